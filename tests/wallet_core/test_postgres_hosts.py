"""A URL naming several PostgreSQL servers: the fast path's asyncpg pool and the engine reach every host
as SQLAlchemy names them, and a first host that never answers (a machine gone, dropping packets) does
not keep them from the next one."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.dialects.postgresql.asyncpg import dialect
from sqlalchemy.engine import make_url

from wallet_core.store.database import create_engine
from wallet_core.store.postgres_hosts import HostByHost, asyncpg_dsn, host_dsns, is_multi_host

MULTI_HOST = (
    "postgresql+asyncpg://wallet:s%40cret@/ledger?host=10.0.0.1:5432&host=10.0.0.2:5433&target_session_attrs=read-write"
)
TIMEOUT = 1.0


def test_one_host_renders_as_before() -> None:
    assert asyncpg_dsn("postgresql+asyncpg://u:p@h:5/db") == "postgresql://u:p@h:5/db"
    assert (
        asyncpg_dsn("postgresql+asyncpg://u@/db?host=/run/postgresql") == "postgresql://u@/db?host=%2Frun%2Fpostgresql"
    )
    assert host_dsns("postgresql+asyncpg://u:p@h:5/db") == ["postgresql://u:p@h:5/db"]
    assert not is_multi_host("postgresql+asyncpg://u:p@h:5/db") and is_multi_host(MULTI_HOST)


def test_several_hosts_go_into_the_host_part_in_order() -> None:
    assert asyncpg_dsn(MULTI_HOST) == (
        "postgresql://wallet:s%40cret@10.0.0.1:5432,10.0.0.2:5433/ledger?target_session_attrs=read-write"
    )
    assert host_dsns(MULTI_HOST) == [
        "postgresql://wallet:s%40cret@10.0.0.1:5432/ledger?target_session_attrs=read-write",
        "postgresql://wallet:s%40cret@10.0.0.2:5433/ledger?target_session_attrs=read-write",
    ]


def test_the_same_hosts_as_sqlalchemys_engine() -> None:
    _, engine_args = dialect().create_connect_args(make_url(MULTI_HOST))  # type: ignore[no-untyped-call]
    assert engine_args["host"] == ["10.0.0.1", "10.0.0.2"] and engine_args["port"] == [5432, 5433]
    assert engine_args["target_session_attrs"] == "read-write"


@pytest.fixture
def silent_host() -> Iterator[str]:
    """A port whose connections the kernel accepts and nobody answers: a server that never replies."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield f"127.0.0.1:{listener.getsockname()[1]}"


def behind(silent_host: str, database_url: str) -> str:
    """`database_url`'s server listed after the silent one, the writable server asked for."""
    url = make_url(database_url)
    user = f"{url.username}{':' + url.password if url.password else ''}@" if url.username else ""
    hosts = f"host={silent_host}&host={url.host}:{url.port or 5432}"
    return f"postgresql+asyncpg://{user}/{url.database}?{hosts}&target_session_attrs=read-write"


async def test_a_silent_first_host_is_passed_over(silent_host: str, postgres_database: str | None) -> None:
    if postgres_database is None:
        pytest.skip("PostgreSQL not reachable (set WALLET_TEST_POSTGRES_URL)")
    url = behind(silent_host, postgres_database)
    with pytest.raises(TimeoutError):  # asyncpg's own: one timeout for both hosts, spent on the first
        await asyncpg.connect(asyncpg_dsn(url), timeout=TIMEOUT)
    connect = HostByHost(url, timeout=TIMEOUT)
    started = time.monotonic()
    connection = await connect()
    await connection.close()
    assert TIMEOUT <= time.monotonic() - started < 4 * TIMEOUT
    started = time.monotonic()
    connection = await connect()  # the host that answered is tried first now
    await connection.close()
    assert time.monotonic() - started < TIMEOUT


async def test_the_engine_and_the_fast_paths_pool_reach_the_next_host(
    silent_host: str, postgres_database: str | None
) -> None:
    if postgres_database is None:
        pytest.skip("PostgreSQL not reachable (set WALLET_TEST_POSTGRES_URL)")
    url = behind(silent_host, postgres_database)
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT NOT pg_is_in_recovery()"))).scalar() is True
    finally:
        await engine.dispose()
    pool = await asyncpg.create_pool(asyncpg_dsn(url), min_size=1, max_size=2, timeout=TIMEOUT, connect=HostByHost(url))
    try:
        assert await pool.fetchval("SELECT 1") == 1
    finally:
        await pool.close()
