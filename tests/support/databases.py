"""Test databases: a fresh SQLite file per test, or one PostgreSQL database per session
emptied between tests. PostgreSQL tests skip with a clear message when no server answers,
except in CI (CI=true or WALLET_REQUIRE_POSTGRES=1), where that is a failure."""

from __future__ import annotations

import os
import uuid

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from wallet_core.store.migrate import upgrade

POSTGRES_URL = os.environ.get("WALLET_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
LEDGER_TABLES = (
    "entries, transactions, bets, accounts, raw_request_samples, admin_audit, player_blocks, "
    "payout_holds, payout_limits, credit_budgets, credit_budget_days, outbox"
)


def postgres_required() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true"} or os.environ.get("WALLET_REQUIRE_POSTGRES") == "1"


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def create_postgres_database() -> str | None:
    """A new, migrated database on the server of POSTGRES_URL; None when no server answers."""
    try:
        admin = await asyncpg.connect(_dsn(POSTGRES_URL), timeout=3)
    except (OSError, asyncpg.PostgresError) as error:
        message = f"PostgreSQL not reachable at {make_url(POSTGRES_URL).render_as_string()}: {error}"
        if postgres_required():
            pytest.fail(f"{message} (CI requires PostgreSQL)")
        return None
    name = f"wallet_test_{uuid.uuid4().hex[:12]}"
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    await upgrade(url)
    return url


async def drop_postgres_database(url: str) -> None:
    admin = await asyncpg.connect(_dsn(POSTGRES_URL), timeout=3)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
    finally:
        await admin.close()


async def empty_postgres_database(url: str) -> None:
    connection = await asyncpg.connect(_dsn(url), timeout=3)
    try:
        await connection.execute(f"TRUNCATE {LEDGER_TABLES} RESTART IDENTITY CASCADE")
        # The partitions' rows stay (0014 made them); their leases go.
        await connection.execute("UPDATE outbox_leases SET relay = NULL, expires_at = NULL")
    finally:
        await connection.close()
