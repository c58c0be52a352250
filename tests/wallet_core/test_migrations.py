"""Migrations go down and up again, on both stores; PostgreSQL's batch functions and indexes as each
revision defines them."""

from __future__ import annotations

import ast
import asyncio
import hashlib
import importlib
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import text
from sqlalchemy.engine import make_url

import wallet_core.store
from tests.support import databases
from tests.support.ledger import open_ledger
from wallet_core import chain
from wallet_core.domain import Kind, MoneyRequest
from wallet_core.store.database import create_engine
from wallet_core.store.group_commit import DEBIT_BATCH, PAYOUT_BATCH
from wallet_core.store.migrate import downgrade, upgrade

OLD_CORES_DEBIT_BATCH = DEBIT_BATCH.replace(", $16", "")
"""How cores before 0007 call wallet_debit_batch: each revision since 0002 answers it."""


@pytest.fixture
async def fresh_postgres() -> AsyncIterator[str]:
    url = await databases.create_postgres_database()
    if url is None:
        pytest.skip(f"PostgreSQL not reachable at {databases.POSTGRES_URL} (set WALLET_TEST_POSTGRES_URL)")
    yield url
    await databases.drop_postgres_database(url)


@pytest.fixture(params=["sqlite", "postgres"])
async def fresh_database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A migrated database of its own on each store, for a test that takes it down and up."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'wallet.db'}"
        await upgrade(url)
        yield url
        return
    created = await databases.create_postgres_database()
    if created is None:
        pytest.skip(f"PostgreSQL not reachable at {databases.POSTGRES_URL} (set WALLET_TEST_POSTGRES_URL)")
    yield created
    await databases.drop_postgres_database(created)


async def _connect(url: str) -> asyncpg.Connection:
    return await asyncpg.connect(make_url(url).set(drivername="postgresql").render_as_string(False))


async def _player_p1_with_1_usd(url: str) -> None:
    connection = await _connect(url)
    try:
        await connection.execute("INSERT INTO currencies (code, scale) VALUES ('USD', 2)")
        await connection.execute(
            "INSERT INTO accounts (player_id, currency, balance, created_at) VALUES ('p1', 'USD', 100, now())"
        )
    finally:
        await connection.close()


async def _uncovered_debit(url: str, transaction_id: str) -> str:
    """wallet_debit_batch's outcome for a debit of 2.00 against p1's 1.00, called as cores before
    0007 call it (without the packed raw requests)."""
    connection = await _connect(url)
    try:
        return await _batch_item(connection, OLD_CORES_DEBIT_BATCH, transaction_id, "", cents=200)
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
        return str(
            await connection.fetchval(
                "SELECT am.amname FROM pg_class c JOIN pg_am am ON am.oid = c.relam WHERE c.relname = $1", index
            )
        )
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
                OLD_CORES_DEBIT_BATCH,
                [1] * debits,
                ["p1"] * debits,
                ["USD"] * debits,
                ["tests"] * debits,
                ids,
                [now] * debits,
                ["h"] * debits,
                *([[""] * debits] * 4),
                ["{}"] * debits,
                ["{}"] * debits,
                ["tests"] * debits,
                [now] * debits,
            )
            assert [row["outcome"] for row in rows] == ["written"] * debits
            first = rows[0]["stored_balance"]
            assert [row["stored_balance"] for row in rows] == [first - n for n in range(debits)]
            return int(
                await connection.fetchval("SELECT n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = 'accounts'")
            )
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


async def _index_definition(url: str, index: str) -> str:
    connection = await _connect(url)
    try:
        return str(await connection.fetchval("SELECT pg_get_indexdef(to_regclass($1))", index))
    finally:
        await connection.close()


async def _keys(url: str) -> tuple[str, str, str]:
    return (
        await _index_definition(url, "uq_transactions_idempotency_key"),
        await _index_definition(url, "uq_bets_provider_transaction"),
        await _index_definition(url, "ix_transactions_bet"),
    )


_LEADING_WITH_THE_ID = (
    "CREATE UNIQUE INDEX uq_transactions_idempotency_key ON public.transactions USING btree "
    "(transaction_id, provider, kind)",
    "CREATE UNIQUE INDEX uq_bets_provider_transaction ON public.bets USING btree (transaction_id, provider)",
    "CREATE INDEX ix_transactions_bet ON public.transactions USING btree (bet_id, id) WHERE (bet_id IS NOT NULL)",
)


async def test_0006_keys_lead_with_the_provider_id_and_go_back(fresh_postgres: str) -> None:
    assert await _keys(fresh_postgres) == _LEADING_WITH_THE_ID
    await downgrade(fresh_postgres, "0005")
    assert await _keys(fresh_postgres) == (
        "CREATE UNIQUE INDEX uq_transactions_idempotency_key ON public.transactions USING btree "
        "(provider, kind, transaction_id)",
        "CREATE UNIQUE INDEX uq_bets_provider_transaction ON public.bets USING btree (provider, transaction_id)",
        "CREATE INDEX ix_transactions_bet ON public.transactions USING btree (bet_id, id)",
    )
    await upgrade(fresh_postgres)
    assert await _keys(fresh_postgres) == _LEADING_WITH_THE_ID


async def test_0006_keys_are_still_the_constraints_that_refuse_a_second_row(fresh_postgres: str) -> None:
    await _player_p1_with_1_usd(fresh_postgres)
    assert await _uncovered_debit(fresh_postgres, "b1") == "refused"
    assert await _uncovered_debit(fresh_postgres, "b1") == "taken"
    connection = await _connect(fresh_postgres)
    try:
        constraints = await connection.fetch(
            "SELECT conname FROM pg_constraint WHERE contype = 'u' AND conrelid IN ('transactions'::regclass, "
            "'bets'::regclass) ORDER BY conname"
        )
        assert [c["conname"] for c in constraints] == [
            "uq_bets_provider_transaction",
            "uq_transactions_idempotency_key",
        ]
        bet = (
            "INSERT INTO bets (provider, transaction_id, player_id, currency, state, stake, payout) "
            "VALUES ('tests', 'b1', 'p1', 'USD', 'placed', 1, 0)"
        )
        await connection.execute(bet)
        with pytest.raises(asyncpg.UniqueViolationError):
            await connection.execute(bet)
    finally:
        await connection.close()


async def test_0006_run_again_after_stopping_half_way_rebuilds_what_it_left(fresh_postgres: str) -> None:
    await downgrade(fresh_postgres, "0005")
    connection = await _connect(fresh_postgres)
    try:  # what a stopped upgrade leaves: a new index, perhaps invalid, not yet in its place
        await connection.execute("CREATE INDEX uq_transactions_idempotency_key_new ON transactions (provider)")
        await connection.execute("CREATE INDEX ix_transactions_bet_new ON transactions (id)")
    finally:
        await connection.close()
    await upgrade(fresh_postgres)
    assert await _keys(fresh_postgres) == _LEADING_WITH_THE_ID
    assert await _index_definition(fresh_postgres, "uq_transactions_idempotency_key_new") == "None"


async def test_0006_finds_a_bets_transactions_through_the_partial_index(fresh_postgres: str) -> None:
    connection = await _connect(fresh_postgres)
    try:
        await connection.execute("SET enable_seqscan = off")
        plan = "\n".join(
            r[0] for r in await connection.fetch("EXPLAIN SELECT * FROM transactions WHERE bet_id = $1 ORDER BY id", 7)
        )
        assert "ix_transactions_bet" in plan
    finally:
        await connection.close()


async def test_0006_on_sqlite_indexes_only_the_rows_with_a_bet_and_goes_back(tmp_path: Path) -> None:
    sqlite = f"sqlite+aiosqlite:///{tmp_path / 'wallet.db'}"

    def bet_index() -> str:
        with closing(sqlite3.connect(tmp_path / "wallet.db")) as db:
            return str(db.execute("SELECT sql FROM sqlite_master WHERE name = 'ix_transactions_bet'").fetchone()[0])

    await upgrade(sqlite)
    assert bet_index().endswith("(bet_id, id) WHERE bet_id IS NOT NULL")
    await downgrade(sqlite, "0005")
    assert bet_index().endswith("(bet_id, id)")
    await upgrade(sqlite)
    assert bet_index().endswith("WHERE bet_id IS NOT NULL")


def _aigame_body(transaction_id: str) -> str:
    return f'{{"agent_id":"a1","user_id":"p1","bet_txn_id":"{transaction_id}","bet_amount":"0.01","sign":"9f2c"}}'


async def _debits_packed_through_the_ledger(url: str, ids: list[str]) -> None:
    async with open_ledger(url) as ledger:
        if not await ledger.accounts("p1"):
            await ledger.create_account("p1", "USD", "1.00")
        for transaction_id in ids:
            await ledger.debit(
                MoneyRequest.prepare(
                    ledger.currencies,
                    Kind.DEBIT,
                    "aigame",
                    transaction_id,
                    "p1",
                    "USD",
                    "0.01",
                    raw_request=_aigame_body(transaction_id),
                )
            )


async def _read_back(url: str, ids: list[str]) -> list[str]:
    async with open_ledger(url) as ledger:
        return [await ledger.raw_request("aigame", Kind.DEBIT, transaction_id) for transaction_id in ids]


async def test_0007_down_writes_packed_requests_back_as_text_and_up_packs_again(fresh_database: str) -> None:
    url = fresh_database
    await _debits_packed_through_the_ledger(url, ["b1", "b2", "b3"])
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            stored = (await conn.execute(text("SELECT raw_request, raw_request_packed FROM transactions"))).all()
        assert [(raw, packed is not None) for raw, packed in stored] == [("", True)] * 3
        await downgrade(url, "0006")
        async with engine.connect() as conn:
            stored = (await conn.execute(text("SELECT raw_request FROM transactions ORDER BY id"))).all()
        assert [raw for (raw,) in stored] == [_aigame_body(t) for t in ["b1", "b2", "b3"]]
    finally:
        await engine.dispose()
    await upgrade(url)
    await _debits_packed_through_the_ledger(url, ["b4"])
    assert await _read_back(url, ["b1", "b2", "b3", "b4"]) == [_aigame_body(t) for t in ["b1", "b2", "b3", "b4"]]


async def test_0007_old_cores_store_text_and_new_cores_packed_requests(fresh_postgres: str) -> None:
    await _player_p1_with_1_usd(fresh_postgres)
    await _uncovered_debit(fresh_postgres, "b1")  # as a core before 0007 calls it: 15 arguments
    connection = await _connect(fresh_postgres)
    try:
        now = datetime.now(UTC)
        row = await connection.fetchrow(
            DEBIT_BATCH,
            [1],
            ["p1"],
            ["USD"],
            ["tests"],
            ["b2"],
            [now],
            ["h"],
            [""],
            [""],
            [""],
            [""],
            ["{}"],
            [""],
            ["tests"],
            [now],
            [b"\x01\x05packed"],
        )
        assert row is not None and row["outcome"] == "written"
        stored = await connection.fetch(
            "SELECT transaction_id, raw_request, raw_request_packed FROM transactions ORDER BY id"
        )
    finally:
        await connection.close()
    assert [tuple(r) for r in stored] == [("b1", "{}", None), ("b2", "", b"\x01\x05packed")]


_FUNCTIONS_FROM_FILES = importlib.import_module("wallet_core.migrations.versions.0016_replays_lock_nothing")
_OUTBOX = importlib.import_module("wallet_core.migrations.versions.0014_transaction_outbox")
_LIMITS = importlib.import_module("wallet_core.migrations.versions.0013_player_limits")
_HOLDS = importlib.import_module("wallet_core.migrations.versions.0012_payout_holds")
_BLOCKED = importlib.import_module("wallet_core.migrations.versions.0011_blocked_players")
_CHAINED = importlib.import_module("wallet_core.migrations.versions.0009_entries_hash_chain")
_FIRST_FROM_FILES = importlib.import_module("wallet_core.migrations.versions.0008_functions_from_sql_files")
_BEFORE_THE_FILES = importlib.import_module("wallet_core.migrations.versions.0007_raw_requests_packed")
SQL_FILES = sorted(Path(wallet_core.store.__file__).parent.joinpath("sql").glob("*.sql"))


async def _functions(url: str) -> dict[str, str]:
    """Every function of the wallet's schema: its signature and ``pg_get_functiondef``."""
    connection = await _connect(url)
    try:
        found = await connection.fetch(
            "SELECT p.oid::regprocedure::text AS signature, pg_get_functiondef(p.oid) AS definition FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' ORDER BY 1"
        )
    finally:
        await connection.close()
    return {row["signature"]: row["definition"] for row in found}


def _as_installed(sql_file: Path) -> str:
    """A file's text as PostgreSQL prints the function it creates (the files leave the schema out)."""
    return sql_file.read_text().replace("CREATE OR REPLACE FUNCTION ", "CREATE OR REPLACE FUNCTION public.", 1)


def _body(definition: str) -> str:
    return definition.split("$$" if "$$" in definition else "$function$")[1]


async def test_the_functions_at_head_are_the_sql_files(fresh_postgres: str) -> None:
    """The files are what runs: each one, to the letter; besides them only the overloads of 0002/0005
    that cores before 0007 call."""
    assert [f.name for f in SQL_FILES] == [
        "wallet_debit_batch.sql",
        "wallet_entry_hash.sql",
        "wallet_outbox_enqueue.sql",
        "wallet_payout_batch.sql",
    ]
    functions = await _functions(fresh_postgres)
    current = {
        signature: text
        for signature, text in functions.items()
        if signature.endswith(",bytea[])") or signature.startswith(("wallet_entry_hash(", "wallet_outbox_enqueue("))
    }
    assert sorted(current.values()) == sorted(_as_installed(f) for f in SQL_FILES)
    older = sorted(signature.split("(")[0] for signature in functions if signature not in current)
    assert older == ["wallet_debit_batch", "wallet_payout_batch"]


def test_a_changed_sql_file_needs_a_new_migration() -> None:
    """One migration reads the files, and it recorded each file's text: a file changed since fails
    here (and that migration refuses to install it) until a new migration takes the reading over."""
    versions = Path(wallet_core.store.__file__).parents[1] / "migrations" / "versions"
    readers = [path.stem for path in versions.glob("*.py") if "CHECKSUMS = " in path.read_text()]
    assert readers == ["0016_replays_lock_nothing"]
    assert sorted(_FUNCTIONS_FROM_FILES.CHECKSUMS) == [f.name for f in SQL_FILES]
    for sql_file in SQL_FILES:
        assert hashlib.sha256(sql_file.read_bytes()).hexdigest() == _FUNCTIONS_FROM_FILES.CHECKSUMS[sql_file.name], (
            f"{sql_file.name} changed: write a new migration that installs it (docs/operations.md)"
        )
        assert _FUNCTIONS_FROM_FILES.function_text(sql_file.name) == sql_file.read_text()


def test_0016_refuses_a_file_that_is_not_the_text_it_recorded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(_FUNCTIONS_FROM_FILES.CHECKSUMS, "wallet_debit_batch.sql", "0" * 64)
    with pytest.raises(RuntimeError, match="needs a new migration"):
        _FUNCTIONS_FROM_FILES.function_text("wallet_debit_batch.sql")


async def test_0008_goes_back_to_0007s_functions_and_up_to_its_frozen_files(fresh_postgres: str) -> None:
    await downgrade(fresh_postgres, "0008")
    at_0008 = await _functions(fresh_postgres)
    await downgrade(fresh_postgres, "0007")
    at_0007 = await _functions(fresh_postgres)
    assert at_0007.keys() == at_0008.keys()
    current = sorted(signature for signature in at_0007 if signature.endswith(",bytea[])"))
    assert [_body(at_0007[signature]) for signature in current] == [
        _body(_BEFORE_THE_FILES.DEBIT_BATCH),
        _body(_BEFORE_THE_FILES.PAYOUT_BATCH),
    ]
    older = [signature for signature in at_0007 if signature not in current]
    assert [at_0007[signature] for signature in older] == [at_0008[signature] for signature in older]
    await upgrade(fresh_postgres, "0008")
    assert await _functions(fresh_postgres) == at_0008
    assert sorted(at_0008[signature] for signature in current) == sorted(
        text.replace("CREATE OR REPLACE FUNCTION ", "CREATE OR REPLACE FUNCTION public.", 1)
        for text in (_FIRST_FROM_FILES.DEBIT_BATCH, _FIRST_FROM_FILES.PAYOUT_BATCH)
    )


async def _chains(url: str) -> tuple[list[tuple[int, bytes | None]], list[tuple[int, bytes]]]:
    """Every entry's chain hash and every account's head, by id."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            hashes = (await conn.execute(text("SELECT id, chain_hash FROM entries ORDER BY id"))).all()
            heads = (await conn.execute(text("SELECT id, chain_head FROM accounts ORDER BY id"))).all()
    finally:
        await engine.dispose()
    return [(i, None if h is None else bytes(h)) for i, h in hashes], [(i, bytes(h)) for i, h in heads]


async def _columns(url: str, table: str) -> list[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(lambda sync: [c["name"] for c in sa_inspect(sync).get_columns(table)])
    finally:
        await engine.dispose()


async def _tables(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(lambda sync: sa_inspect(sync).get_table_names())
    finally:
        await engine.dispose()


async def _ledger_activity(url: str) -> None:
    """Opening balances, debits (some on one account at once: a batch), payouts (one of 0), a
    cancel with its payouts reversed: every kind of entry, by the paths the core takes."""
    async with open_ledger(url) as ledger:

        def request(
            kind: Kind, tx: str, player: str, amount: str, ref: str = "", reverse: bool = False
        ) -> MoneyRequest:
            return MoneyRequest.prepare(
                ledger.currencies, kind, "tests", tx, player, "USD", amount, reference_id=ref, reverse_payouts=reverse
            )

        await ledger.create_account("p1", "USD", "100.00")
        await ledger.create_account("p2", "USD", "0")
        await asyncio.gather(*(ledger.debit(request(Kind.DEBIT, f"b{n}", "p1", "1.25")) for n in range(6)))
        await ledger.credit(request(Kind.CREDIT, "w0", "p1", "0", ref="b0"))
        await ledger.credit(request(Kind.CREDIT, "w1", "p1", "7.50", ref="b1"))
        await ledger.credit(request(Kind.CREDIT, "deposit", "p2", "3.00"))
        await ledger.rollback(request(Kind.ROLLBACK, "c1", "p1", "1.25", ref="b1", reverse=True))


async def test_0009_back_fills_the_chains_live_writes_make_and_goes_back(fresh_database: str) -> None:
    url = fresh_database
    await _ledger_activity(url)
    live = await _chains(url)
    assert len(live[0]) == 11 and all(h is not None for _, h in live[0])
    assert len({h for _, h in live[1]}) == 2 and chain.GENESIS not in {h for _, h in live[1]}

    await downgrade(url, "0008")
    assert "chain_head" not in await _columns(url, "accounts")
    assert "chain_hash" not in await _columns(url, "entries")
    await upgrade(url)
    assert await _chains(url) == live


async def test_0009_goes_back_to_0008s_functions_and_up_to_the_files(fresh_postgres: str) -> None:
    at_head = await _functions(fresh_postgres)
    await downgrade(fresh_postgres, "0008")
    at_0008 = await _functions(fresh_postgres)
    assert set(at_head) - set(at_0008) == {
        "wallet_entry_hash(bytea,bigint,bigint,bigint,bigint,timestamp with time zone)",
        "wallet_outbox_enqueue()",
    }
    current = sorted(signature for signature in at_0008 if signature.endswith(",bytea[])"))
    assert [_body(at_0008[signature]) for signature in current] == [
        _body(_FIRST_FROM_FILES.DEBIT_BATCH),
        _body(_FIRST_FROM_FILES.PAYOUT_BATCH),
    ]
    await upgrade(fresh_postgres)
    assert await _functions(fresh_postgres) == at_head


async def test_0011_goes_back_to_0009s_functions_and_columns_and_up_to_the_files(fresh_postgres: str) -> None:
    at_head = await _functions(fresh_postgres)
    await downgrade(fresh_postgres, "0010")
    at_0010 = await _functions(fresh_postgres)
    assert at_0010.keys() == at_head.keys() - {"wallet_outbox_enqueue()"}
    current = sorted(signature for signature in at_0010 if signature.endswith(",bytea[])"))
    assert [_body(at_0010[signature]) for signature in current] == [
        _body(_CHAINED.DEBIT_BATCH),
        _body(_CHAINED.PAYOUT_BATCH),
    ]
    assert "controlled" not in await _columns(fresh_postgres, "accounts")
    await upgrade(fresh_postgres)
    assert await _functions(fresh_postgres) == at_head
    assert "controlled" in await _columns(fresh_postgres, "accounts")


async def test_0012_goes_back_to_0009s_payout_function_and_up_to_the_files(fresh_postgres: str) -> None:
    at_head = await _functions(fresh_postgres)
    await downgrade(fresh_postgres, "0011")
    at_0011 = await _functions(fresh_postgres)
    assert set(at_0011) == set(at_head) - {"wallet_outbox_enqueue()"}
    payout = next(s for s in at_0011 if s.startswith("wallet_payout_batch(") and s.endswith(",bytea[])"))
    debit = next(s for s in at_0011 if s.startswith("wallet_debit_batch(") and s.endswith(",bytea[])"))
    assert _body(at_0011[payout]) == _body(_CHAINED.PAYOUT_BATCH)
    assert _body(at_0011[debit]) == _body(_BLOCKED.DEBIT_BATCH)
    assert _body(at_head[payout]) != _body(_CHAINED.PAYOUT_BATCH)
    await upgrade(fresh_postgres)
    assert await _functions(fresh_postgres) == at_head


async def test_0013_goes_back_to_0012s_payout_function_and_tables_and_up_to_the_files(fresh_postgres: str) -> None:
    at_head = await _functions(fresh_postgres)
    await downgrade(fresh_postgres, "0012")
    at_0012 = await _functions(fresh_postgres)
    assert set(at_0012) == set(at_head) - {"wallet_outbox_enqueue()"}
    payout = next(s for s in at_0012 if s.startswith("wallet_payout_batch(") and s.endswith(",bytea[])"))
    assert _body(at_0012[payout]) == _body(_HOLDS.PAYOUT_BATCH) != _body(at_head[payout])
    assert "NOT controlled" in _body(at_head[payout])
    assert {"account_limits", "account_day_losses"}.isdisjoint(await _tables(fresh_postgres))
    await upgrade(fresh_postgres)
    assert await _functions(fresh_postgres) == at_head
    assert await _columns(fresh_postgres, "account_limits") == ["account_id", "max_stake", "max_daily_loss"]


async def test_0014_goes_back_to_no_outbox_and_up_to_the_files(fresh_postgres: str) -> None:
    at_head = await _functions(fresh_postgres)
    await downgrade(fresh_postgres, "0013")
    assert set(await _functions(fresh_postgres)) == set(at_head) - {"wallet_outbox_enqueue()"}
    assert {"outbox", "outbox_leases"}.isdisjoint(await _tables(fresh_postgres))
    await upgrade(fresh_postgres)
    assert await _functions(fresh_postgres) == at_head
    assert await _columns(fresh_postgres, "outbox") == ["id", "transaction_row_id", "partition", "created_at"]


async def _batch_item(
    connection: asyncpg.Connection, statement: str, transaction_id: str, reference_id: str, *, cents: int = 10
) -> str:
    """One item for p1 through a batch function (as cores before 0007 call it if ``statement`` has
    15 parameters); its outcome."""
    now = datetime.now(UTC)
    items: list[list[Any]] = [[cents], ["p1"], ["USD"], ["tests"], [transaction_id], [now], ["h"], [""], [""], [""]]
    items += [[reference_id], ["{}"], ["{}"], ["tests"], [now], [None]]
    outcome: str = await connection.fetchval(statement, *items[: statement.count("$")])
    return outcome


async def _replays_write(url: str) -> dict[str, bool]:
    """For a replayed debit and a replayed payout: whether its batch, answering 'taken', wrote
    anything (a transaction id assigned: a row locked or changed, a commit to flush)."""
    connection = await _connect(url)
    wrote = {}
    try:
        for kind, statement, reference in (("debit", DEBIT_BATCH, ""), ("payout", PAYOUT_BATCH, "b1")):
            async with connection.transaction():
                assert await _batch_item(connection, statement, f"{kind}-1", reference) == "taken"
                wrote[kind] = await connection.fetchval("SELECT pg_current_xact_id_if_assigned()") is not None
    finally:
        await connection.close()
    return wrote


async def test_0016_a_replay_writes_nothing_and_goes_back(fresh_postgres: str) -> None:
    await _player_p1_with_1_usd(fresh_postgres)
    connection = await _connect(fresh_postgres)
    try:
        assert await _batch_item(connection, DEBIT_BATCH, "b1", "") == "written"
        assert await _batch_item(connection, DEBIT_BATCH, "debit-1", "") == "written"
        assert await _batch_item(connection, PAYOUT_BATCH, "payout-1", "b1") == "written"
    finally:
        await connection.close()
    at_head = await _functions(fresh_postgres)
    assert await _replays_write(fresh_postgres) == {"debit": False, "payout": False}
    await downgrade(fresh_postgres, "0015")
    functions = await _functions(fresh_postgres)
    debit, payout = (
        next(s for s in functions if s.startswith(f"{f}(") and s.endswith(",bytea[])"))
        for f in (
            "wallet_debit_batch",
            "wallet_payout_batch",
        )
    )
    assert _body(functions[debit]) == _body(_BLOCKED.DEBIT_BATCH)
    assert _body(functions[payout]) == _body(_LIMITS.PAYOUT_BATCH)
    assert await _replays_write(fresh_postgres) == {"debit": True, "payout": True}  # before: locked, undone
    await upgrade(fresh_postgres)
    assert await _functions(fresh_postgres) == at_head


async def test_0009_an_account_a_core_before_it_opens_starts_an_empty_chain(fresh_postgres: str) -> None:
    await _player_p1_with_1_usd(fresh_postgres)  # as before 0009: no chain_head given
    assert (await _chains(fresh_postgres))[1] == [(1, chain.GENESIS)]


def test_no_migration_imports_the_application() -> None:
    """A migration is frozen: code it imported from the application could change after it ran."""
    folder = Path(importlib.import_module("wallet_core.migrations").__file__ or "").parent / "versions"
    importers = {}
    for path in sorted(folder.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
        names += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
        application = [name for name in names if name.split(".")[0] in {"wallet_core", "wallet", "gateways"}]
        if application:
            importers[path.name] = application
    assert importers == {}


async def test_0015_finds_the_open_bets_through_the_partial_index_and_goes_back(fresh_postgres: str) -> None:
    query = "EXPLAIN SELECT * FROM bets WHERE state = 'placed' AND placed_at < now() ORDER BY placed_at, id"
    connection = await _connect(fresh_postgres)
    try:
        await connection.execute("SET enable_seqscan = off")
        assert "ix_bets_placed" in "\n".join(r[0] for r in await connection.fetch(query))
    finally:
        await connection.close()
    await downgrade(fresh_postgres, "0014")
    connection = await _connect(fresh_postgres)
    try:
        assert await connection.fetchval("SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_bets_placed'") == 0
    finally:
        await connection.close()
    await upgrade(fresh_postgres)
