"""uvicorn's httptools protocol with the limits it does not have: a read deadline, header limits, a cap on connections.

uvicorn times out only an idle keep-alive connection, after a response; a connection that sends
nothing, or half a request, stays open until the client leaves. Neither uvicorn nor httptools
bounds the headers of a request. This protocol adds (values from ConnectionLimits):

- a read deadline, armed when a connection opens and after each response, disarmed when a request
  has arrived whole: a connection still waiting for its request then is answered 408 and closed; one
  still sending a body is closed (the app reads a disconnect, and moves nothing);
- a limit on the request line and headers together, counted as they arrive (a head that is still
  incomplete after more bytes than the limit is refused without waiting for its end), and on the
  number of header lines: 431 and the connection closed, the app never called;
- a cap on open connections: one past it is answered 503 and closed as soon as it is accepted, so
  that idle connections cannot take every file descriptor the process may open.

It relies on uvicorn's HttpToolsProtocol callbacks and state (`cycle`, `connections`, `transport`);
tests/gateways/kit/test_limited_protocol.py checks each limit against a real server.
"""

import asyncio
import logging
from typing import Any, ClassVar

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from gateways.kit.connection_limits import DEFAULT_LIMITS, ConnectionLimits

LOG = logging.getLogger("gateways.connections")
LINGER_SECONDS = 1.0


def _closing_answer(status_line: bytes) -> bytes:
    return status_line + b"\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"


TOO_MANY_CONNECTIONS = _closing_answer(b"HTTP/1.1 503 Service Unavailable")
REQUEST_TIMEOUT = _closing_answer(b"HTTP/1.1 408 Request Timeout")
HEADERS_TOO_LARGE = _closing_answer(b"HTTP/1.1 431 Request Header Fields Too Large")


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    """HttpToolsProtocol under `limits` (a subclass per configuration: see `protocol_for`)."""

    limits: ClassVar[ConnectionLimits] = DEFAULT_LIMITS

    def __init__(self, config: Config, server_state: ServerState, app_state: dict[str, Any], _loop: Any = None) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self._read_deadline: asyncio.TimerHandle | None = None
        self._closed_by_limit = False
        """Once answered by a limit, whatever else arrives on the connection is ignored."""
        self._in_head = True
        """The next bytes belong to a request line or headers (not to a body)."""
        self._head_bytes_received = 0
        self._head_bytes = 0
        self._header_count = 0

    # --- the connection -------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]  # as uvicorn's
        super().connection_made(transport)
        if len(self.connections) > self.limits.max_connections:
            self._close_with(TOO_MANY_CONNECTIONS, "too many connections", linger=False)  # frees its file now
            return
        self._arm_read_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_read_deadline()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._closed_by_limit:
            return
        if self._in_head:
            self._head_bytes_received += len(data)
        super().data_received(data)
        if self._in_head and self._head_bytes_received > self.limits.max_header_bytes:
            self._close_with(HEADERS_TOO_LARGE, "request head still incomplete past max_header_bytes")

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm_read_deadline()

    # --- the request's head ---------------------------------------------------------------

    def on_message_begin(self) -> None:
        if self._closed_by_limit:
            return
        self._head_bytes = self._header_count = 0
        super().on_message_begin()

    def on_url(self, url: bytes) -> None:
        if self._counted_within_limits(len(url), lines=0):
            super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        if self._counted_within_limits(len(name) + len(value), lines=1):
            super().on_header(name, value)

    def on_headers_complete(self) -> None:
        if self._closed_by_limit:
            return
        self._in_head = False
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if not self._closed_by_limit:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if self._closed_by_limit:
            return
        super().on_message_complete()
        self._disarm_read_deadline()
        self._in_head = True
        self._head_bytes_received = 0

    def _counted_within_limits(self, size: int, *, lines: int) -> bool:
        if self._closed_by_limit:
            return False
        self._head_bytes += size
        self._header_count += lines
        if self._head_bytes > self.limits.max_header_bytes or self._header_count > self.limits.max_headers:
            self._close_with(HEADERS_TOO_LARGE, "request headers over max_header_bytes or max_headers")
            return False
        return True

    # --- the read deadline ----------------------------------------------------------------

    def _arm_read_deadline(self) -> None:
        self._disarm_read_deadline()
        self._read_deadline = self.loop.call_later(self.limits.read_timeout_seconds, self._read_timed_out)

    def _disarm_read_deadline(self) -> None:
        if self._read_deadline is not None:
            self._read_deadline.cancel()
            self._read_deadline = None

    def _read_timed_out(self) -> None:
        self._read_deadline = None
        if self.transport.is_closing():
            return
        cycle = self.cycle
        if cycle is None or cycle.response_complete:  # no request under way: its head never came whole
            self._close_with(REQUEST_TIMEOUT, "no whole request within read_timeout_seconds")
        elif cycle.more_body:  # the app is waiting for the rest of a body: closing ends its wait
            self._close_with(b"", "request body not received within read_timeout_seconds", linger=False)
        # else: the request arrived whole and is being answered; the deadline is not the app's

    def _close_with(self, answer: bytes, why: str, *, linger: bool = True) -> None:
        """Write `answer` (if any) and close: the client's doing, logged below the level of a bug.

        Lingering, the connection is half-closed and whatever the client still sends is read and
        dropped for LINGER_SECONDS: closed at once with unread bytes, the kernel would reset it and
        the client might never read the answer."""
        self._closed_by_limit = True
        self._disarm_read_deadline()
        client_ip = self.client[0] if self.client else None
        LOG.info("connection closed by a limit", extra={"reason": why, "client_ip": client_ip})
        if answer:
            self.transport.write(answer)
        if linger and self.transport.can_write_eof():
            self.transport.write_eof()
            self.loop.call_later(LINGER_SECONDS, self.transport.close)
        else:
            self.transport.close()


def protocol_for(limits: ConnectionLimits) -> type[LimitedHttpToolsProtocol]:
    """The protocol class uvicorn is given (`Config(http=...)`), under `limits`."""
    return type("LimitedHttpToolsProtocol", (LimitedHttpToolsProtocol,), {"limits": limits})
