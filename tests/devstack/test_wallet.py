"""The wallet's processes started and awaited for real: a core through its health service, a gateway
through /healthz, several cores on one port, and the failures each start reports with its log."""

from __future__ import annotations

import signal
from pathlib import Path

import grpc
import httpx
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from devstack.config import Identity, core_section, gateway_section, write_config
from devstack.databases import sqlite_database
from devstack.health import wait_http
from devstack.ports import free_ports
from devstack.processes import ServerFailed, spawn
from devstack.wallet import migrate, start_core, start_cores, start_gateway, wallet_args

GATEWAY_TOKEN = "devstack-gateway-token-0123456789"


def stack_config(path: Path, database_url: str, core_port: int, gateway_port: int) -> Path:
    core = core_section(
        port=core_port,
        database_url=database_url,
        currencies={"USD": 2},
        clients=[Identity("aigame-gateway", GATEWAY_TOKEN, ["aigame"])],
    )
    aigame = gateway_section(port=gateway_port, core_port=core_port, token=GATEWAY_TOKEN, agents={"a": "s"})
    return write_config(path, core=core, gateways={"aigame": aigame})


async def health_status(port: int) -> int:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        answer = await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
    return int(answer.status)


async def test_a_core_and_a_gateway_serve_once_started(tmp_path: Path) -> None:
    core_port, gateway_port = free_ports(2)
    database = await sqlite_database(tmp_path / "w.db")
    config = stack_config(tmp_path / "w.toml", database.url, core_port, gateway_port)
    core = await start_core(config, core_port, tmp_path / "core.log", log_level="WARNING")
    try:
        assert await health_status(core_port) == health_pb2.HealthCheckResponse.SERVING
        gateway = await start_gateway("aigame", config, gateway_port, tmp_path / "aigame.log", server_name="gw")
        assert gateway.name == "gw"
        async with httpx.AsyncClient(trust_env=False) as client:
            assert (await client.get(f"http://127.0.0.1:{gateway_port}/healthz")).status_code == 200
        await gateway.kill()
        assert gateway.process.returncode == -signal.SIGKILL
        with pytest.raises(ServerFailed, match="gw exited with -9"):
            gateway.check_alive()
    finally:
        await core.stop()
    assert core.process.returncode == 0


async def test_several_cores_share_one_port(tmp_path: Path) -> None:
    core_port, gateway_port = free_ports(2)
    database = await sqlite_database(tmp_path / "w.db")
    config = stack_config(tmp_path / "w.toml", database.url, core_port, gateway_port)
    cores = await start_cores(config, core_port, [tmp_path / "core-0.log", tmp_path / "core-1.log"])
    try:
        assert len({core.pid for core in cores}) == 2
        assert all("core listening" in core.log.read_text() for core in cores)
        for core in cores:
            core.check_alive()
    finally:
        for core in cores:
            await core.stop()


async def test_a_core_that_cannot_start_is_reported_with_its_log(tmp_path: Path) -> None:
    """An unmigrated database: the core exits at once, and the start says why from its log."""
    core_port, gateway_port = free_ports(2)
    database = await sqlite_database(tmp_path / "w.db", migrate=False)
    config = stack_config(tmp_path / "w.toml", database.url, core_port, gateway_port)
    with pytest.raises(ServerFailed, match=r"(?s)core exited with 2.*wallet db upgrade"):
        await start_core(config, core_port, tmp_path / "core.log")
    await migrate(config)  # `wallet db upgrade` as a process: now the same core starts
    core = await start_core(config, core_port, tmp_path / "core.log")
    await core.stop()


async def test_a_gateway_without_its_core_never_answers_healthy(tmp_path: Path) -> None:
    core_port, gateway_port = free_ports(2)
    config = stack_config(tmp_path / "w.toml", "sqlite+aiosqlite:///unused.db", core_port, gateway_port)
    gateway = await spawn("aigame", wallet_args("gateway", "aigame", "--config", str(config)), tmp_path / "gw.log")
    try:
        with pytest.raises(ServerFailed, match=f"aigame did not answer on port {gateway_port}"):
            await wait_http(gateway, gateway_port, within_seconds=3)
        gateway.check_alive()  # it runs; only its core is missing
    finally:
        await gateway.stop()
