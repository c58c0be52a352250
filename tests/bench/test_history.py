"""The history fill: a ledger `wallet verify` accepts, whose old debits replay through the core."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from bench import history
from devstack.databases import dsn
from tests.support import databases
from tests.support.core import ADMIN_TOKEN, bearer, running_core
from wallet.v1 import wallet_pb2 as pb
from wallet_core.store.database import create_engine
from wallet_core.verify import find_mismatches, walk_chains

TRANSACTIONS = 3_000


@pytest.fixture
async def filled(postgres_database: str | None) -> AsyncIterator[tuple[str, history.Filled]]:
    if postgres_database is None:
        pytest.skip(f"PostgreSQL not reachable at {databases.POSTGRES_URL} (set WALLET_TEST_POSTGRES_URL)")
    await databases.empty_postgres_database(postgres_database)
    yield postgres_database, await history.fill(dsn(postgres_database), history.Shape.of(TRANSACTIONS))
    await databases.empty_postgres_database(postgres_database)


async def test_the_filled_ledger_passes_wallet_verify(filled: tuple[str, history.Filled]) -> None:
    url, facts = filled
    engine = create_engine(url)
    try:
        checked, mismatches = await find_mismatches(engine)
        walks = await walk_chains(engine)
    finally:
        await engine.dispose()
    assert checked == facts.accounts == history.Shape.of(TRANSACTIONS).players
    assert mismatches == []
    assert [w.broken for w in walks if w.broken is not None] == []
    assert sum(w.entries for w in walks) == facts.entries


async def test_the_history_is_shaped_like_production(filled: tuple[str, history.Filled]) -> None:
    url, facts = filled
    connection = await asyncpg.connect(dsn(url))
    try:
        kinds = dict(await connection.fetch("SELECT kind, count(*) FROM transactions GROUP BY kind"))
        states = dict(await connection.fetch("SELECT state, count(*) FROM bets GROUP BY state"))
        providers = await connection.fetchval("SELECT count(DISTINCT provider) FROM transactions")
        ascending = await connection.fetchval(
            "SELECT bool_and(transaction_id > previous) FROM (SELECT transaction_id, lag(transaction_id) "
            "OVER (PARTITION BY provider ORDER BY id) AS previous FROM transactions WHERE kind = 'debit') t"
        )
        days = await connection.fetchval("SELECT extract(day FROM max(created_at) - min(created_at)) FROM transactions")
        next_id = await connection.fetchval("SELECT nextval(pg_get_serial_sequence('transactions', 'id'))")
    finally:
        await connection.close()
    assert facts.transactions == TRANSACTIONS == sum(kinds.values())
    assert kinds["debit"] == facts.bets and kinds["credit"] > 0 and kinds["rollback"] > 0
    assert set(states) == {"settled", "cancelled"}
    assert providers == len(history.PROVIDERS)
    assert ascending  # as AIGame's ObjectIds: each provider's ids ascend with time
    assert days >= 80
    assert next_id == TRANSACTIONS + 1  # the sequences continue after the history


async def test_an_old_debit_replays_with_its_stored_answer(filled: tuple[str, history.Filled]) -> None:
    url, facts = filled
    old = facts.old_debits[0]
    async with running_core(url) as core:
        answer: pb.DebitResponse = await core.stub.Debit(
            pb.DebitRequest(
                provider=old.provider,
                transaction_id=old.transaction_id,
                player_id=old.player_id,
                currency=history.CURRENCY,
                amount=old.amount,
            ),
            metadata=bearer(ADMIN_TOKEN),
        )
    assert answer.transaction.transaction_id == old.transaction_id
    assert answer.transaction.amount == old.amount
