"""A gateway app served by a real uvicorn on loopback (the configuration `wallet gateway` uses), and raw sockets."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

import uvicorn
from starlette.types import ASGIApp

from gateways.kit.connection_limits import DEFAULT_LIMITS, ConnectionLimits
from gateways.kit.serve import uvicorn_config


class _TestServer(uvicorn.Server):
    @contextmanager
    def capture_signals(self) -> Iterator[None]:  # the test process keeps its own signal handlers
        yield


@asynccontextmanager
async def served(app: ASGIApp, limits: ConnectionLimits = DEFAULT_LIMITS) -> AsyncIterator[int]:
    """The port `app` listens on at 127.0.0.1 while the context lasts."""
    server = _TestServer(uvicorn_config(app, host="127.0.0.1", port=0, limits=limits))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield server.servers[0].sockets[0].getsockname()[1]
    finally:
        server.should_exit = True
        await task


async def connect(port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection("127.0.0.1", port)


async def read_until_closed(reader: asyncio.StreamReader, within: float) -> bytes:
    """Everything the server sends until it closes the connection (TimeoutError if it has not within `within` s)."""
    async with asyncio.timeout(within):
        return await reader.read()


def request_head(path: str, *headers: str, body_length: int = 0) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: gateway", f"Content-Length: {body_length}", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()
