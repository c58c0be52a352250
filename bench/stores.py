"""The run's databases: a PostgreSQL database created for the run and dropped after it, or a SQLite
file; their sizes, the backends serving them, and the checks run on them afterwards."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import func, insert, select, text

from bench import payloads
from devstack.databases import Database, create_postgres_database, drop_database, dsn, sqlite_database
from wallet_core.store.database import create_engine
from wallet_core.store.schema import accounts, entries
from wallet_core.verify import find_mismatches

LEDGER_TABLES = ("transactions", "entries", "bets", "accounts", "raw_request_samples")


@dataclass(frozen=True)
class Store(Database):
    """The run's database with what the benchmark asks of it: seeding, checks, sizes."""

    @classmethod
    def of(cls, database: Database) -> Store:
        return cls(database.kind, database.url, database.path)

    async def query(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        engine = create_engine(self.url)
        try:
            async with engine.connect() as connection:
                return [tuple(row) for row in await connection.execute(text(sql), params)]
        finally:
            await engine.dispose()

    async def open_accounts(self, balances: list[tuple[str, int]], currency: str) -> None:
        """Accounts with their opening balance (minor units) as the ledger writes them, the account and
        its opening entry, in bulk: seeding 10,000 players through CreateAccount would take longer than
        the cases. `wallet verify` at the end of the run checks them with everything else."""
        at = datetime.now(UTC)
        engine = create_engine(self.url)
        try:
            async with engine.begin() as connection:
                last_id = (await connection.execute(select(func.coalesce(func.max(accounts.c.id), 0)))).scalar_one()
                await connection.execute(
                    insert(accounts),
                    [
                        {"player_id": player, "currency": currency, "balance": minor, "created_at": at}
                        for player, minor in balances
                    ],
                )
                opened = await connection.execute(
                    select(accounts.c.id, accounts.c.balance).where(accounts.c.id > last_id, accounts.c.balance != 0)
                )
                await connection.execute(
                    insert(entries),
                    [
                        {
                            "account_id": account_id,
                            "transaction_id": None,
                            "amount": minor,
                            "balance_after": minor,
                            "created_at": at,
                        }
                        for account_id, minor in opened
                    ],
                )
        finally:
            await engine.dispose()

    async def verify(self) -> dict[str, int]:
        """`wallet verify`: every balance equals the sum of its entries."""
        engine = create_engine(self.url)
        try:
            checked, mismatches = await find_mismatches(engine)
        finally:
            await engine.dispose()
        return {"accounts": checked, "mismatches": len(mismatches)}

    async def outcomes(self, provider: str, cases: Sequence[str]) -> dict[str, int]:
        """How the stored transactions of these cases (`payloads.transaction_id`) ended: status or
        refusal reason."""
        found: Counter[str] = Counter()
        for case in cases:
            rows = await self.query(
                "SELECT status, error_reason, count(*) FROM transactions WHERE provider = :provider "
                "AND substr(transaction_id, 9, 10) = :mark GROUP BY status, error_reason",
                provider=provider,
                mark=payloads.case_mark(case),
            )
            found.update({str(reason or status): int(count) for status, reason, count in rows})
        return dict(found)

    async def size_bytes(self) -> dict[str, int]:
        """Bytes on disk: per ledger table (with its TOAST) and its indexes on PostgreSQL; the file on SQLite."""
        if self.kind == "sqlite":
            assert self.path is not None
            with closing(sqlite3.connect(self.path, timeout=30)) as connection:
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the WAL's pages into the file
            return {"file": self.path.stat().st_size}
        rows = await self.query(
            "SELECT relname, pg_table_size(oid), pg_indexes_size(oid) FROM pg_class "
            f"WHERE relname IN {LEDGER_TABLES} AND relkind = 'r'"
        )  # the tuple's repr: fixed names, SQL's syntax
        sizes = {}
        for name, table, indexes in rows:  # the table with its TOAST, then its indexes
            sizes[f"{name}"], sizes[f"{name} indexes"] = int(table), int(indexes)
        return sizes


class PostgresServer:
    """The PostgreSQL server of `admin_url`, on which the run creates and drops its own database."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.connection: asyncpg.Connection | None = None
        self.database = ""
        self.store: Store | None = None

    async def create(self) -> Store:
        store = Store.of(await create_postgres_database(self.admin_url, "wallet_bench_"))
        self.database = store.name
        self.store = store
        self.connection = await asyncpg.connect(dsn(store.url), timeout=5)
        return store

    async def describe(self) -> dict[str, str]:
        """The server's version and the settings that decide its commit speed."""
        assert self.connection is not None
        rows = await self.connection.fetch(
            "SELECT name, current_setting(name) AS value FROM pg_settings WHERE name IN "
            "('server_version', 'synchronous_commit', 'fsync', 'shared_buffers', 'max_connections', 'commit_delay')"
        )
        return {str(r["name"]): str(r["value"]) for r in rows}

    async def backend_pids(self) -> list[int]:
        """The server processes serving the run's database (but this watching connection)."""
        assert self.connection is not None
        rows = await self.connection.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", self.database
        )
        return [int(r["pid"]) for r in rows]

    async def drop(self) -> None:
        if self.connection is not None:
            await self.connection.close()
            self.connection = None
        if self.store is not None:
            await drop_database(self.store, self.admin_url)


async def sqlite_store(path: Path) -> Store:
    return Store.of(await sqlite_database(path))


async def hot_balance_proof(store: Store, player: str, initial_minor: int, amount_minor: int) -> dict[str, Any]:
    """What the ledger says about the hot player after the run: every debit the balance covered was
    taken, no more, and no balance (stored or answered) was ever below zero."""
    ((account_id, balance),) = await store.query("SELECT id, balance FROM accounts WHERE player_id = :p", p=player)
    ((entry_count, lowest, total),) = await store.query(
        "SELECT count(*), min(balance_after), coalesce(sum(amount), 0) FROM entries WHERE account_id = :a", a=account_id
    )
    outcomes = {
        str(reason or status): int(n)
        for status, reason, n in await store.query(
            "SELECT status, error_reason, count(*) FROM transactions WHERE player_id = :p AND kind = 'debit' "
            "GROUP BY status, error_reason",
            p=player,
        )
    }
    taken = outcomes.get("completed", 0)
    covered = initial_minor // amount_minor
    attempts = sum(outcomes.values())
    return {
        "initial_balance_minor": initial_minor,
        "final_balance_minor": int(balance),
        "debits_attempted": attempts,
        "debits_taken": taken,
        "debits_refused": outcomes.get("INSUFFICIENT_FUNDS", 0),
        "debits_the_balance_covered": covered,
        "lowest_balance_after_minor": int(lowest) if lowest is not None else None,
        "entries": int(entry_count),
        "entries_sum_equals_balance": int(total) == int(balance),
        "no_overdraft": (
            int(balance) >= 0
            and (lowest is None or int(lowest) >= 0)
            and taken == min(attempts, covered)
            and int(balance) == initial_minor - taken * amount_minor
        ),
    }
