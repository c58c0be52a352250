"""Whether the addresses a command is about to listen on are free, checked before anything starts.

The core opens its port with SO_REUSEPORT, so a second core on a taken port shares it instead of
failing: a second `wallet up` would migrate the database and log "core listening" before its metrics
port failed. Trying every address first gives one clear line and starts nothing.
"""

from __future__ import annotations

import errno
import socket
from collections.abc import Iterable

from wallet_cli.errors import CommandError


def require_free(listens: Iterable[tuple[str, str]], *, shared: frozenset[str] = frozenset()) -> None:
    """Refuse (CommandError) when an address is already taken: ``listens`` holds (what, "HOST:PORT").
    The names in ``shared`` may share their port with processes that opened it with SO_REUSEPORT too
    (several `wallet core` on one port, docs/operations.md); anything else on it is still refused."""
    for what, listen in listens:
        host, _, port = listen.rpartition(":")
        if not port.isdigit():
            raise CommandError(f'{what}: listen on "HOST:PORT", not {listen!r}')
        try:
            _try_binding(host.strip("[]"), int(port), reuse_port=what in shared)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise CommandError(f"{listen} ({what}) is already in use: is another wallet running?") from None
            if error.errno == errno.EACCES:
                raise CommandError(f"{listen} ({what}): not allowed to listen there ({error.strerror})") from None
            # Anything else (an address this host does not have) is left for the server to report.


def _try_binding(host: str, port: int, *, reuse_port: bool) -> None:
    for family, kind, protocol, _, address in socket.getaddrinfo(
        host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    ):
        with socket.socket(family, kind, protocol) as probe:
            # As the servers bind: a port whose old connections linger (TIME_WAIT) is free.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if reuse_port:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            probe.bind(address)
