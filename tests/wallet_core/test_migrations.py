"""Migrations go down and up again, on both stores; PostgreSQL's batch functions and indexes as each
revision defines them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from tests.support import databases
from wallet_core.store.group_commit import DEBIT_BATCH
from wallet_core.store.migrate import downgrade, upgrade


@pytest.fixture
async def fresh_postgres() -> AsyncIterator[str]:
    url = await databases.create_postgres_database()
    if url is None:
        pytest.skip(f"PostgreSQL not reachable at {databases.POSTGRES_URL} (set WALLET_TEST_POSTGRES_URL)")
    yield url
    await databases.drop_postgres_database(url)


async def _connect(url: str) -> asyncpg.Connection:
    return await asyncpg.connect(make_url(url).set(drivername="postgresql").render_as_string(False))


async def _player_p1_with_1_usd(url: str) -> None:
    connection = await _connect(url)
    try:
        await connection.execute("INSERT INTO currencies (code, scale) VALUES ('USD', 2)")
        await connection.execute("INSERT INTO accounts (player_id, currency, balance, created_at) "
                                 "VALUES ('p1', 'USD', 100, now())")
    finally:
        await connection.close()


async def _uncovered_debit(url: str, transaction_id: str) -> str:
    """wallet_debit_batch's outcome for a debit of 2.00 against p1's 1.00."""
    connection = await _connect(url)
    try:
        now = datetime.now(UTC)
        row = await connection.fetchrow(
            DEBIT_BATCH, [200], ["p1"], ["USD"], ["tests"], [transaction_id], [now], ["h"], [""], [""], [""], [""],
            ["{}"], ["{}"], ["tests"], [now])
        assert row is not None
        return str(row["outcome"])
    finally:
        await connection.close()


async def test_0003_stores_refusals_and_goes_back_to_0002(fresh_postgres: str) -> None:
    await _player_p1_with_1_usd(fresh_postgres)
    assert await _uncovered_debit(fresh_postgres, "b1") == "refused"
    await downgrade(fresh_postgres, "0002")
    assert await _uncovered_debit(fresh_postgres, "b2") == "none"  # 0002: left to the general path
    await upgrade(fresh_postgres)
    assert await _uncovered_debit(fresh_postgres, "b3") == "refused"
    assert await _uncovered_debit(fresh_postgres, "b1") == "taken"  # its refusal is stored: a replay


async def _index_method(url: str, index: str) -> str:
    connection = await _connect(url)
    try:
        return str(await connection.fetchval(
            "SELECT am.amname FROM pg_class c JOIN pg_am am ON am.oid = c.relam WHERE c.relname = $1", index))
    finally:
        await connection.close()


async def test_0004_finds_transactions_by_time_through_brin_and_goes_back(fresh_postgres: str) -> None:
    assert await _index_method(fresh_postgres, "ix_transactions_created") == "brin"
    await downgrade(fresh_postgres, "0003")
    assert await _index_method(fresh_postgres, "ix_transactions_created") == "btree"
    await upgrade(fresh_postgres)
    assert await _index_method(fresh_postgres, "ix_transactions_created") == "brin"


async def _account_writes_of_one_batch(url: str, debits: int) -> int:
    """How many times one wallet_debit_batch of `debits` debits of 0.01 on p1 writes p1's account row."""
    connection = await _connect(url)
    try:
        async with connection.transaction():
            now = datetime.now(UTC)
            ids = [f"w{debits}-{n}-{now.timestamp()}" for n in range(debits)]
            rows = await connection.fetch(
                DEBIT_BATCH, [1] * debits, ["p1"] * debits, ["USD"] * debits, ["tests"] * debits, ids,
                [now] * debits, ["h"] * debits, *([[""] * debits] * 4), ["{}"] * debits, ["{}"] * debits,
                ["tests"] * debits, [now] * debits)
            assert [row["outcome"] for row in rows] == ["written"] * debits
            first = rows[0]["stored_balance"]
            assert [row["stored_balance"] for row in rows] == [first - n for n in range(debits)]
            return int(await connection.fetchval(
                "SELECT n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = 'accounts'"))
    finally:
        await connection.close()


async def test_0005_writes_an_account_once_per_batch_and_goes_back_to_once_per_debit(fresh_postgres: str) -> None:
    await _player_p1_with_1_usd(fresh_postgres)
    assert await _account_writes_of_one_batch(fresh_postgres, 5) == 2  # the first debit, and the batch's end
    await downgrade(fresh_postgres, "0004")
    assert await _account_writes_of_one_batch(fresh_postgres, 5) == 5
    await upgrade(fresh_postgres)
    assert await _account_writes_of_one_batch(fresh_postgres, 1) == 1  # the first debit's write is the last
    assert await _account_writes_of_one_batch(fresh_postgres, 5) == 2


async def test_every_migration_goes_down_to_nothing_and_up_again_on_postgresql(fresh_postgres: str) -> None:
    await downgrade(fresh_postgres, "base")
    await upgrade(fresh_postgres)


async def test_every_migration_goes_down_to_nothing_and_up_again_on_sqlite(tmp_path: Path) -> None:
    sqlite = f"sqlite+aiosqlite:///{tmp_path / 'wallet.db'}"
    await upgrade(sqlite)
    await downgrade(sqlite, "base")
    await upgrade(sqlite)
