"""What a gateway's HTTP server allows one connection and all of them, read from `[gateways.<name>.server]`.

[gateways.aigame.server]         # every key optional; the defaults below
read_timeout_seconds = 10        # from a connection's opening (or its last answer) to a request's last byte
keep_alive_seconds = 5           # an idle keep-alive connection is closed after this
max_connections = 512            # connections open at once; one more is answered 503 and closed
max_header_bytes = 16384         # request line and headers, together
max_headers = 100                # header lines in one request
shutdown_grace_seconds = 10      # at SIGTERM, requests in flight get this long, then are cut off

The defaults keep a gateway well inside a process's usual limit of 1,024 open files, and answer a
connection that sends nothing (or half a request) within seconds. docs/operations.md says which of
these a reverse proxy should also enforce, and which only it can (connections per client address).
"""

from collections.abc import Mapping
from dataclasses import dataclass

from gateways.kit.config import ConfigReader


@dataclass(frozen=True)
class ConnectionLimits:
    read_timeout_seconds: float = 10.0
    """A request not received whole this long after its connection opened or was last answered: the
    connection is closed (408 when no request is under way)."""
    keep_alive_seconds: int = 5
    """uvicorn's `timeout_keep_alive`: the idle time allowed between a response and the next request."""
    max_connections: int = 512
    """Connections open at once: one more is answered 503 and closed as soon as it is accepted, so
    that idle connections cannot take every file the process may open."""
    max_header_bytes: int = 16 * 1024
    """The request line and every header line, together: more is answered 431 and the connection closed."""
    max_headers: int = 100
    """Header lines in one request: more is answered 431 and the connection closed."""
    shutdown_grace_seconds: int = 10
    """uvicorn's `timeout_graceful_shutdown`: how long requests in flight may finish at SIGTERM."""

    @classmethod
    def from_mapping(cls, data: Mapping[str, object], path: str = "server") -> "ConnectionLimits":
        """From the `[gateways.<name>.server]` table; GatewayConfigError names a bad or unknown key."""
        reader = ConfigReader(data, path)
        limits = cls(
            read_timeout_seconds=reader.positive_number("read_timeout_seconds", cls.read_timeout_seconds),
            keep_alive_seconds=reader.positive_integer("keep_alive_seconds", cls.keep_alive_seconds),
            max_connections=reader.positive_integer("max_connections", cls.max_connections),
            max_header_bytes=reader.positive_integer("max_header_bytes", cls.max_header_bytes),
            max_headers=reader.positive_integer("max_headers", cls.max_headers),
            shutdown_grace_seconds=reader.positive_integer("shutdown_grace_seconds", cls.shutdown_grace_seconds),
        )
        reader.finish()
        return limits


DEFAULT_LIMITS = ConnectionLimits()
