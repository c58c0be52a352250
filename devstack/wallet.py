"""The wallet's own processes: `python -m wallet_cli core` and `python -m wallet_cli gateway NAME` on a
configuration file (`devstack.config`), each started and then awaited until it serves."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from devstack.health import all_logged, wait_grpc, wait_http
from devstack.processes import ROOT, Server, ServerFailed, child_environment, spawn


def wallet_args(*args: str) -> list[str]:
    """The arguments of `python` that run the `wallet` command."""
    return ["-m", "wallet_cli", *args]


async def migrate(config: Path, *, code: Path = ROOT, cwd: Path | None = None) -> None:
    """`wallet db upgrade` on the database of `config`, with the migrations of the checkout `code`."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *wallet_args("db", "upgrade", "--config", str(config), "--log-level", "WARNING"),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env=child_environment(code),
        cwd=cwd,
    )
    output, _ = await process.communicate()
    if process.returncode != 0:
        raise ServerFailed(f"wallet db upgrade exited with {process.returncode}:\n{output.decode(errors='replace')}")


async def start_cores(
    config: Path, port: int, logs: list[Path], *, log_level: str = "INFO", code: Path = ROOT, cwd: Path | None = None
) -> list[Server]:
    """One core process per log, all on `port` (SO_REUSEPORT) of the same `config`, run from the
    checkout `code`; returned once they serve: the health service answers and, with several
    processes (a health check reaches one of them), every log says it listens. None is left
    running when one fails."""
    env = child_environment(code)
    servers: list[Server] = []
    try:
        for log in logs:
            servers.append(
                await spawn(
                    "core",
                    wallet_args("core", "--config", str(config), "--log-level", log_level),
                    log,
                    env=env,
                    cwd=cwd,
                )
            )
        await wait_grpc(servers, port)
        if len(servers) > 1:
            await all_logged(servers, "core listening", "is the log level above INFO?")
    except BaseException:
        await asyncio.gather(*(server.stop() for server in servers))
        raise
    return servers


async def start_core(config: Path, port: int, log: Path, *, log_level: str = "INFO") -> Server:
    (core,) = await start_cores(config, port, [log], log_level=log_level)
    return core


async def start_gateway(
    name: str, config: Path, port: int, log: Path, *, log_level: str = "INFO", server_name: str | None = None
) -> Server:
    """The gateway `name` of `config` (a `Server` named `server_name`, else `name`), returned once its
    /healthz answers 200 (it listens and its core answers); stopped again when it never does."""
    gateway = await spawn(
        server_name or name, wallet_args("gateway", name, "--config", str(config), "--log-level", log_level), log
    )
    try:
        await wait_http(gateway, port)
    except BaseException:
        await gateway.stop()
        raise
    return gateway
