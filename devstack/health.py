"""Waiting for a server to serve: the gRPC health service (`grpc.health.v1`) of the core, `/healthz`
over HTTP of a gateway, or a line each process logs once it listens."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

import grpc
import httpx
from grpc_health.v1 import health_pb2, health_pb2_grpc

from devstack.ports import LOOPBACK
from devstack.processes import Server, ServerFailed

START_TIMEOUT_SECONDS = 60.0
POLL_SECONDS = 0.2
CALL_TIMEOUT_SECONDS = 5.0
# A server that is still starting refuses connections: retry often instead of gRPC's backoff (up to 2 min).
_QUICK_RECONNECT = [
    ("grpc.initial_reconnect_backoff_ms", 100),
    ("grpc.min_reconnect_backoff_ms", 100),
    ("grpc.max_reconnect_backoff_ms", 500),
]


def _check_alive(servers: Sequence[Server]) -> None:
    for server in servers:
        server.check_alive()


def _late(server: Server, port: int) -> ServerFailed:
    return ServerFailed(f"{server.name} did not answer on port {port}:\n{server.log_tail()}")


async def wait_grpc(
    servers: Sequence[Server], port: int, *, service: str = "", within_seconds: float = START_TIMEOUT_SECONDS
) -> None:
    """Until the health service on `port` answers SERVING for `service` ("": the server as a whole),
    or one of `servers` (the processes that may answer there) dies."""
    deadline = time.monotonic() + within_seconds
    async with grpc.aio.insecure_channel(f"{LOOPBACK}:{port}", options=_QUICK_RECONNECT) as channel:
        health = health_pb2_grpc.HealthStub(channel)
        while True:
            _check_alive(servers)
            try:
                answer = await health.Check(
                    health_pb2.HealthCheckRequest(service=service), timeout=CALL_TIMEOUT_SECONDS
                )
                if answer.status == health_pb2.HealthCheckResponse.SERVING:
                    return
            except grpc.aio.AioRpcError:
                pass  # not listening yet, or not serving yet
            if time.monotonic() > deadline:
                raise _late(servers[0], port)
            await asyncio.sleep(POLL_SECONDS)


async def wait_http(
    server: Server, port: int, path: str = "/healthz", within_seconds: float = START_TIMEOUT_SECONDS
) -> None:
    """Until `GET path` answers 200 (a gateway's /healthz: once it listens and its core answers)."""
    deadline = time.monotonic() + within_seconds
    async with httpx.AsyncClient(
        base_url=f"http://{LOOPBACK}:{port}", timeout=CALL_TIMEOUT_SECONDS, trust_env=False
    ) as client:  # no proxy from the environment for loopback
        while True:
            server.check_alive()
            try:
                if (await client.get(path)).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise _late(server, port)
            await asyncio.sleep(POLL_SECONDS)


async def all_logged(
    servers: Sequence[Server], text: str, hint: str, within_seconds: float = START_TIMEOUT_SECONDS
) -> None:
    """Until every server's log holds `text` (that it listens: with SO_REUSEPORT a call reaches one)."""
    deadline = time.monotonic() + within_seconds
    while not all(text in s.log.read_text(errors="replace") for s in servers):
        _check_alive(servers)
        if time.monotonic() > deadline:
            raise ServerFailed(f"not every {servers[0].name} process logged {text!r} ({hint})")
        await asyncio.sleep(POLL_SECONDS)
