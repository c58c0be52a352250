"""Fixtures shared by every test: the two stores and a real core server on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support import databases
from tests.support.core import CoreHandle, running_core
from wallet_core.store.migrate import upgrade


@pytest.fixture(scope="session")
async def postgres_database() -> AsyncIterator[str | None]:
    url = await databases.create_postgres_database()
    yield url
    if url is not None:
        await databases.drop_postgres_database(url)


@pytest.fixture(params=["sqlite", "postgres"])
async def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_database: str | None
) -> AsyncIterator[str]:
    """A migrated, empty ledger database on each store."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'wallet.db'}"
        await upgrade(url)
        yield url
        return
    if postgres_database is None:
        pytest.skip(f"PostgreSQL not reachable at {databases.POSTGRES_URL} (set WALLET_TEST_POSTGRES_URL)")
    await databases.empty_postgres_database(postgres_database)
    yield postgres_database


@pytest.fixture
async def core(database_url: str) -> AsyncIterator[CoreHandle]:
    """A real core gRPC server on 127.0.0.1 over a fresh database of each store."""
    async with running_core(database_url) as handle:
        yield handle
