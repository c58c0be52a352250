"""The run's database: migrated or left empty for another checkout's migrations, dropped afterwards."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest

from devstack.databases import (
    POSTGRESQL,
    SQLITE,
    create_postgres_database,
    drop_database,
    dsn,
    sqlite_database,
)
from tests.support.databases import POSTGRES_URL
from wallet_core.store.migrate import is_current


async def test_a_sqlite_file_is_migrated_unless_asked_not_to(tmp_path: Path) -> None:
    migrated = await sqlite_database(tmp_path / "a.db")
    empty = await sqlite_database(tmp_path / "b.db", migrate=False)
    assert migrated.kind == SQLITE and migrated.path == tmp_path / "a.db"
    assert await is_current(migrated.url)
    assert not await is_current(empty.url)


def test_a_dsn_is_libpq_s() -> None:
    assert dsn("postgresql+asyncpg://u:p@h:5/db") == "postgresql://u:p@h:5/db"


@pytest.mark.postgres
async def test_a_postgres_database_is_created_migrated_and_dropped(postgres_database: str | None) -> None:
    if postgres_database is None:
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL} (set WALLET_TEST_POSTGRES_URL)")
    database = await create_postgres_database(POSTGRES_URL, "wallet_devstack_")
    try:
        assert database.kind == POSTGRESQL and database.name.startswith("wallet_devstack_")
        assert await is_current(database.url)
    finally:
        await drop_database(database, POSTGRES_URL)
    admin = await asyncpg.connect(dsn(POSTGRES_URL), timeout=5)
    try:
        assert await admin.fetchval("SELECT count(*) FROM pg_database WHERE datname = $1", database.name) == 0
    finally:
        await admin.close()
