"""A minimal HTTP/1.1 keep-alive client connection for the load generator: one request in flight,
responses framed by Content-Length (what uvicorn sends for the gateways' JSON answers)."""

from __future__ import annotations

import asyncio
from typing import cast


class HttpConnectionFailed(Exception):
    pass


class Http1Connection(asyncio.Protocol):
    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future[tuple[int, bytes]] | None = None
        self.failure: Exception | None = None

    @classmethod
    async def open(cls, host: str, port: int) -> Http1Connection:
        _, connection = await asyncio.get_running_loop().create_connection(cls, host, port)
        return connection

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)

    def connection_lost(self, exc: Exception | None) -> None:
        self.failure = HttpConnectionFailed(f"connection lost: {exc or 'closed by the server'}")
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(self.failure)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if self.waiter is None:
            return
        buffer = self.buffer
        head_end = buffer.find(b"\r\n\r\n")
        if head_end < 0:
            return
        length = _content_length(bytes(buffer[:head_end]))
        total = head_end + 4 + length
        if len(buffer) < total:
            return
        status = int(buffer[9:12])
        body = bytes(buffer[head_end + 4 : total])
        del buffer[:total]
        waiter, self.waiter = self.waiter, None
        if not waiter.done():
            waiter.set_result((status, body))

    def request(self, raw: bytes) -> asyncio.Future[tuple[int, bytes]]:
        """Send one whole request; the future gives (HTTP status, body)."""
        waiter: asyncio.Future[tuple[int, bytes]] = self.loop.create_future()
        if self.failure is not None or self.transport is None:
            waiter.set_exception(self.failure or HttpConnectionFailed("not connected"))
            return waiter
        self.waiter = waiter
        self.transport.write(raw)
        return waiter

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    raise HttpConnectionFailed("an answer without Content-Length (chunked answers are not supported)")
