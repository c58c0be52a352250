"""A SQLAlchemy PostgreSQL URL as the DSN asyncpg's own pool takes (the core's fast path, the tools).

SQLAlchemy spells several hosts as repeated query parameters (``?host=a:5432&host=b:5432``, what a
configuration behind a failover manager uses, with ``target_session_attrs=read-write``); asyncpg's DSN
parser keeps only the last of a repeated parameter, so such a URL would quietly reach one host only.
Here they go into the DSN's host part instead (``postgresql://user@a:5432,b:5432/db``), which asyncpg
tries in order, like libpq.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from sqlalchemy.engine import URL, make_url


def hosts_of(url: URL) -> tuple[str, ...]:
    """The ``host=…`` query parameters of a multi-host URL (empty for a URL with one host, or none)."""
    hosts = url.query.get("host", ())
    return (hosts,) if isinstance(hosts, str) else tuple(hosts)


def asyncpg_dsn(database_url: str) -> str:
    """``database_url`` (SQLAlchemy's spelling, any driver) as a ``postgresql://`` DSN for asyncpg."""
    url = make_url(database_url).set(drivername="postgresql")
    hosts = hosts_of(url)
    if len(hosts) < 2:
        return url.render_as_string(hide_password=False)
    user = quote(url.username or "", safe="")
    password = f":{quote(url.password, safe='')}" if url.password is not None else ""
    credentials = f"{user}{password}@" if user or password else ""
    rest = {key: value for key, value in url.query.items() if key != "host"}
    query = f"?{urlencode(rest, doseq=True)}" if rest else ""
    return f"postgresql://{credentials}{','.join(hosts)}/{quote(url.database or '', safe='')}{query}"
