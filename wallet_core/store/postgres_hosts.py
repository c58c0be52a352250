"""A PostgreSQL URL naming several servers (a primary and its standbys behind a failover manager), for
asyncpg: as a DSN (the tools), and as a connect function that tries the servers one by one (the core).

SQLAlchemy spells several hosts as repeated query parameters (``?host=a:5432&host=b:5432``, with
``target_session_attrs=read-write`` to keep only the writable one); asyncpg's DSN parser keeps only
the last of a repeated parameter, so such a URL would quietly reach one host only. `asyncpg_dsn`
puts them in the DSN's host part instead (``postgresql://user@a:5432,b:5432/db``).

asyncpg then tries them in order, but its connect timeout covers all of them together: a first
host that drops packets (its machine gone, not refusing) uses it all up, and no connection ever
reaches the next one. `HostByHost` gives each host the whole timeout, as libpq's
``connect_timeout`` does, and starts with the host that last took a connection, so that only the
first connection after a failover waits for the dead one.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

import asyncpg
from sqlalchemy.engine import URL, make_url

PASSED_OVER = (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError, asyncpg.InternalClientError)
"""What makes a connection attempt try the next host: refused, unreachable, silent, starting up or
shutting down, read-only where a writable server is asked for (``TargetServerAttributeNotMatched``)."""


def hosts_of(url: URL) -> tuple[str, ...]:
    """The ``host=…`` query parameters of a multi-host URL (empty for a URL with one host, or none)."""
    hosts = url.query.get("host", ())
    return (hosts,) if isinstance(hosts, str) else tuple(hosts)


def is_multi_host(database_url: str) -> bool:
    return len(hosts_of(make_url(database_url))) > 1


def asyncpg_dsn(database_url: str) -> str:
    """``database_url`` (SQLAlchemy's spelling, any driver) as a ``postgresql://`` DSN for asyncpg."""
    url = make_url(database_url).set(drivername="postgresql")
    hosts = hosts_of(url)
    if len(hosts) < 2:
        return url.render_as_string(hide_password=False)
    user = quote(url.username or "", safe="")
    password = f":{quote(url.password, safe='')}" if url.password is not None else ""
    credentials = f"{user}{password}@" if user or password else ""
    query = f"?{urlencode(_without_hosts(url), doseq=True)}" if _without_hosts(url) else ""
    return f"postgresql://{credentials}{','.join(hosts)}/{quote(url.database or '', safe='')}{query}"


def host_dsns(database_url: str) -> list[str]:
    """One asyncpg DSN per host of ``database_url``, in its order (the other parameters on each)."""
    url = make_url(database_url).set(drivername="postgresql")
    hosts = hosts_of(url)
    if len(hosts) < 2:
        return [asyncpg_dsn(database_url)]
    single = url.set(query=_without_hosts(url))
    return [_with_host(single, host).render_as_string(hide_password=False) for host in hosts]


def _without_hosts(url: URL) -> dict[str, str | tuple[str, ...]]:
    return {key: value for key, value in url.query.items() if key != "host"}


def _with_host(url: URL, host: str) -> URL:
    name, _, port = host.rpartition(":") if host.rpartition(":")[2].isdigit() else (host, "", "")
    return url.set(host=name, port=int(port) if port else None)


class HostByHost:
    """``asyncpg.connect`` over every host of a URL, each given the whole timeout; usable as asyncpg's
    pool ``connect`` and, with no arguments, as SQLAlchemy's ``async_creator``."""

    def __init__(self, database_url: str, **connect_kwargs: Any) -> None:
        self.dsns = host_dsns(database_url)
        self._connect_kwargs = connect_kwargs
        self._first = 0
        """The host that last took a connection: tried first next time."""

    async def __call__(self, *_dsn: object, **kwargs: Any) -> asyncpg.Connection:
        """A connection to the first host that takes one (``_dsn``: the pool's own, ignored)."""
        arguments = {**self._connect_kwargs, **kwargs}
        order = [*range(self._first, len(self.dsns)), *range(self._first)]
        failures: list[BaseException] = []
        for index in order:
            try:
                connection = await asyncpg.connect(self.dsns[index], **arguments)
            except PASSED_OVER as error:
                failures.append(error)
                continue
            self._first = index
            return connection
        raise failures[-1]
