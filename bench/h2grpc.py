"""A minimal gRPC-over-HTTP/2 client connection for the load generator (cleartext, unary calls only).

Why not grpc.aio: on this machine a grpc.aio client spends 150-250 µs of CPU per call, as much as
the server it measures, and the generator shares the two cores with the servers. This client
speaks the wire protocol directly (one write per call, no per-call objects beyond a future) and
costs a fraction of that; `bench` still runs one echo case through grpc.aio to show the difference.

What it does not do, on purpose:
- it never decodes response headers (HPACK). A unary call succeeded when the server sent its
  message (a DATA frame) before the end of the stream; a refusal is a Trailers-Only answer (one
  HEADERS frame that ends the stream, no DATA). Which refusal it was is read from the ledger,
  where the core stores decided refusals, or asked again through grpc.aio for diagnostics;
- request headers are literal fields without indexing, so the server's HPACK table is never used
  by this side; response headers are skipped, so its table's contents do not matter here.
"""

from __future__ import annotations

import asyncio
import struct
from collections import deque
from collections.abc import Sequence
from typing import cast

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
DATA, HEADERS, RST_STREAM, SETTINGS, PING, GOAWAY, WINDOW_UPDATE, CONTINUATION = 0, 1, 3, 4, 6, 7, 8, 9
END_STREAM, ACK, END_HEADERS, PADDED, PRIORITY = 0x1, 0x1, 0x4, 0x8, 0x20
SETTINGS_INITIAL_WINDOW_SIZE, SETTINGS_ENABLE_PUSH, SETTINGS_MAX_CONCURRENT_STREAMS = 0x4, 0x2, 0x3
MAX_WINDOW = 2**31 - 1
DEFAULT_WINDOW = 65_535
_HEADER = struct.Struct(">HBBBI")  # 24-bit length as 16 + 8 bits, type, flags, stream id


class ConnectionFailed(Exception):
    """The connection closed or the server sent GOAWAY: the calls in flight are lost."""


def frame(kind: int, flags: int, stream_id: int, payload: bytes) -> bytes:
    length = len(payload)
    return _HEADER.pack(length >> 8, length & 0xFF, kind, flags, stream_id) + payload


def _integer(value: int, prefix_bits: int, first: int = 0) -> bytes:
    """HPACK integer (RFC 7541 5.1) with an N-bit prefix; `first` holds the pattern bits above it."""
    limit = (1 << prefix_bits) - 1
    if value < limit:
        return bytes([first | value])
    out = bytearray([first | limit])
    value -= limit
    while value >= 128:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _string(text: str) -> bytes:
    raw = text.encode("latin-1")
    return _integer(len(raw), 7) + raw  # no Huffman


def header_block(authority: str, path: str, metadata: Sequence[tuple[str, str]]) -> bytes:
    """The request headers of a gRPC call, HPACK-encoded without touching the dynamic table."""
    block = bytearray(b"\x83\x86")  # :method POST, :scheme http (static table 3 and 6)
    block += _integer(4, 4) + _string(path)  # :path, literal without indexing, name from static 4
    block += _integer(1, 4) + _string(authority)  # :authority, static 1
    fields = [("content-type", "application/grpc"), ("te", "trailers"), *metadata]
    for name, value in fields:
        block += b"\x00" + _string(name) + _string(value)
    return bytes(block)


def grpc_message(message: bytes) -> bytes:
    """A length-prefixed, uncompressed gRPC message."""
    return b"\x00" + len(message).to_bytes(4, "big") + message


class _Stream:
    __slots__ = ("data", "future", "got_message")

    def __init__(self, future: asyncio.Future[bytes | None]) -> None:
        self.future = future
        self.data = bytearray()
        self.got_message = False


class H2Connection(asyncio.Protocol):
    """One HTTP/2 connection carrying many concurrent unary gRPC calls."""

    def __init__(self, authority: str) -> None:
        self.authority = authority
        self.loop = asyncio.get_running_loop()
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.streams: dict[int, _Stream] = {}
        self.next_stream_id = 1
        self.send_window = DEFAULT_WINDOW  # the server's connection window for our DATA
        self.stream_window = DEFAULT_WINDOW  # the server's initial window per stream
        self.max_streams = 2**31  # the server's SETTINGS_MAX_CONCURRENT_STREAMS
        self.open_streams = 0
        self.pending: deque[tuple[int, bytes, bytes]] = deque()  # calls waiting for a window or a stream
        self.received_unacknowledged = 0
        self.failure: Exception | None = None
        self.ready: asyncio.Future[None] = self.loop.create_future()

    @classmethod
    async def open(cls, host: str, port: int) -> H2Connection:
        loop = asyncio.get_running_loop()
        _, connection = await loop.create_connection(lambda: cls(f"{host}:{port}"), host, port)
        await asyncio.wait_for(connection.ready, timeout=10)
        return connection

    # --- asyncio.Protocol ------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's transports do not subclass it
        settings = struct.pack(">HIHI", SETTINGS_ENABLE_PUSH, 0, SETTINGS_INITIAL_WINDOW_SIZE, MAX_WINDOW)
        self.transport.write(
            PREFACE
            + frame(SETTINGS, 0, 0, settings)
            + frame(WINDOW_UPDATE, 0, 0, struct.pack(">I", MAX_WINDOW - DEFAULT_WINDOW))
        )

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail(ConnectionFailed(f"connection lost: {exc or 'closed by the server'}"))

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        offset, size = 0, len(buffer)
        while size - offset >= 9:
            high, low, kind, flags, stream_id = _HEADER.unpack_from(buffer, offset)
            length = (high << 8) | low
            end = offset + 9 + length
            if end > size:
                break
            self._frame(kind, flags, stream_id & 0x7FFFFFFF, bytes(buffer[offset + 9 : end]))
            offset = end
        if offset:
            del buffer[:offset]

    # --- calls -----------------------------------------------------------------------

    def call(self, headers: bytes, body: bytes) -> asyncio.Future[bytes | None]:
        """Start a unary call: `headers` from header_block(), `body` from grpc_message().
        The future gives the response message, or None when the call was refused."""
        future: asyncio.Future[bytes | None] = self.loop.create_future()
        if self.failure is not None:
            future.set_exception(self.failure)
            return future
        stream_id = self.next_stream_id
        self.next_stream_id += 2
        self.streams[stream_id] = _Stream(future)
        if self.pending or not self._may_send(body):
            self.pending.append((stream_id, headers, body))
        else:
            self._send(stream_id, headers, body)
        return future

    def _may_send(self, body: bytes) -> bool:
        """Within the server's flow-control windows and its limit of concurrent streams."""
        return (
            len(body) <= self.send_window and len(body) <= self.stream_window and (self.open_streams < self.max_streams)
        )

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()

    def _send(self, stream_id: int, headers: bytes, body: bytes) -> None:
        assert self.transport is not None
        self.send_window -= len(body)
        self.open_streams += 1
        self.transport.write(frame(HEADERS, END_HEADERS, stream_id, headers) + frame(DATA, END_STREAM, stream_id, body))

    def _flush_pending(self) -> None:
        while self.pending and self.failure is None:
            stream_id, headers, body = self.pending[0]
            if not self._may_send(body):
                return
            self.pending.popleft()
            self._send(stream_id, headers, body)

    # --- frames ----------------------------------------------------------------------

    def _frame(self, kind: int, flags: int, stream_id: int, payload: bytes) -> None:
        if kind == DATA:
            self._data(flags, stream_id, payload)
        elif kind == HEADERS:
            stream = self.streams.get(stream_id)
            if stream is not None and flags & END_STREAM:
                self._finish(stream_id, stream)
        elif kind == SETTINGS:
            if not flags & ACK:
                self._settings(payload)
                assert self.transport is not None
                self.transport.write(frame(SETTINGS, ACK, 0, b""))
                if not self.ready.done():
                    self.ready.set_result(None)
        elif kind == WINDOW_UPDATE:
            if stream_id == 0:
                self.send_window += struct.unpack(">I", payload)[0] & 0x7FFFFFFF
                self._flush_pending()
        elif kind == PING:
            if not flags & ACK and self.transport is not None:
                self.transport.write(frame(PING, ACK, 0, payload))
        elif kind == RST_STREAM:
            stream = self.streams.pop(stream_id, None)
            if stream is not None:
                self._closed()
                if not stream.future.done():
                    stream.future.set_result(None)
        elif kind == GOAWAY:
            last_stream, code = struct.unpack_from(">II", payload)
            self._fail(
                ConnectionFailed(f"GOAWAY (error code {code}): {payload[8:].decode('latin-1')}"),
                after_stream=last_stream & 0x7FFFFFFF,
            )
        # PRIORITY, PUSH_PROMISE (disabled), CONTINUATION of skipped headers: nothing to do

    def _data(self, flags: int, stream_id: int, payload: bytes) -> None:
        self.received_unacknowledged += len(payload)
        if self.received_unacknowledged > MAX_WINDOW // 2 and self.transport is not None:
            increment, self.received_unacknowledged = self.received_unacknowledged, 0
            self.transport.write(frame(WINDOW_UPDATE, 0, 0, struct.pack(">I", increment)))
        stream = self.streams.get(stream_id)
        if stream is None:
            return
        if flags & PADDED:
            payload = payload[1 : len(payload) - payload[0]]
        stream.data += payload
        stream.got_message = True
        if flags & END_STREAM:
            self._finish(stream_id, stream)

    def _closed(self) -> None:
        self.open_streams -= 1
        if self.pending:
            self._flush_pending()

    def _finish(self, stream_id: int, stream: _Stream) -> None:
        del self.streams[stream_id]
        self._closed()
        if stream.future.done():
            return
        if stream.got_message and len(stream.data) >= 5:
            stream.future.set_result(bytes(stream.data[5:]))  # without the 5-byte gRPC prefix
        else:
            stream.future.set_result(None)

    def _settings(self, payload: bytes) -> None:
        for offset in range(0, len(payload) - 5, 6):
            key, value = struct.unpack_from(">HI", payload, offset)
            if key == SETTINGS_INITIAL_WINDOW_SIZE:
                self.stream_window = value
            elif key == SETTINGS_MAX_CONCURRENT_STREAMS:
                self.max_streams = value
        self._flush_pending()

    def _fail(self, error: Exception, after_stream: int = 0) -> None:
        """No new calls; the calls after `after_stream` fail (a GOAWAY lets the earlier ones finish)."""
        if self.failure is None:
            self.failure = error
        if not self.ready.done():
            self.ready.set_exception(error)
        for stream_id in [s for s in self.streams if s > after_stream]:
            stream = self.streams.pop(stream_id)
            if not stream.future.done():
                stream.future.set_exception(error)
