"""The tables and queries of held payouts (wallet_core/holds.py has the rules): each provider's
payout limit, and the credits held for review, keyed like their transaction (provider and
transaction_id; holds are credits only)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Index,
    RowMapping,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.dml import Insert

from wallet_core.store.queries import utc
from wallet_core.store.schema import Base, Id

payout_limits = Table(
    "payout_limits",
    Base.metadata,
    Column("provider", String(64), primary_key=True),
    Column("max_payout_multiple", BigInteger, nullable=False),
)

payout_holds = Table(
    "payout_holds",
    Base.metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("provider", String(64), nullable=False),
    Column("transaction_id", String(128), nullable=False),
    Column("request_hash", String(64), nullable=False),
    Column("player_id", String(128), nullable=False),
    Column("currency", String(16), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("reference_id", String(128), nullable=False),
    Column("cause", String(16), nullable=False),
    Column("stake", BigInteger, nullable=True),
    Column("paid_before", BigInteger, nullable=False),
    Column("status", String(16), nullable=False),
    Column("held_at", DateTime(timezone=True), nullable=False),
    Column("decided_by", String(128), nullable=True),
    Column("decided_at", DateTime(timezone=True), nullable=True),
    Column("decision_reason", Text, nullable=True),
    UniqueConstraint("provider", "transaction_id", name="uq_payout_holds_key"),
    Index("ix_payout_holds_status", "status", "id"),
)

credit_budgets = Table(
    "credit_budgets",
    Base.metadata,
    Column("provider", String(64), primary_key=True),
    Column("currency", String(16), primary_key=True),
    Column("daily_budget", BigInteger, nullable=False),
    Column("time_zone", String(64), nullable=False),
)

credit_budget_days = Table(
    "credit_budget_days",
    Base.metadata,
    Column("provider", String(64), primary_key=True),
    Column("currency", String(16), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("spent", BigInteger, nullable=False),
)


class Budget(NamedTuple):
    """A provider's daily budget of credits with no bet, in minor units of one currency."""

    daily_budget: int
    time_zone: str


async def replace_limits(conn: AsyncConnection, multiples: Mapping[str, int]) -> None:
    """The limits the fast paths read become ``multiples`` (provider: max payout multiple)."""
    await conn.execute(delete(payout_limits))
    if multiples:
        await conn.execute(
            insert(payout_limits), [{"provider": p, "max_payout_multiple": m} for p, m in multiples.items()]
        )


async def replace_budgets(conn: AsyncConnection, budgets: Mapping[tuple[str, str], Budget]) -> None:
    """The daily budgets become ``budgets`` ((provider, currency): budget); running totals stay."""
    await conn.execute(delete(credit_budgets))
    if budgets:
        rows = [
            {"provider": p, "currency": c, "daily_budget": b.daily_budget, "time_zone": b.time_zone}
            for (p, c), b in budgets.items()
        ]
        await conn.execute(insert(credit_budgets), rows)


async def budget(conn: AsyncConnection, provider: str, currency: str) -> Budget | None:
    query = select(credit_budgets.c.daily_budget, credit_budgets.c.time_zone).where(
        credit_budgets.c.provider == provider, credit_budgets.c.currency == currency
    )
    row = (await conn.execute(query)).first()
    return Budget(int(row[0]), str(row[1])) if row else None


async def spend(conn: AsyncConnection, provider: str, currency: str, day: date, amount: int, limit: int) -> int | None:
    """Add ``amount`` to the day's running total if it stays within ``limit``, under the row's lock
    (two cores cannot both pass it); the total before it, or None when it would pass ``limit``."""
    key = {"provider": provider, "currency": currency, "day": day}
    await conn.execute(_insert_if_absent(conn, {**key, "spent": 0}))
    row = credit_budget_days.c
    spent = await conn.execute(
        update(credit_budget_days)
        .where(row.provider == provider, row.currency == currency, row.day == day, row.spent + amount <= limit)
        .values(spent=row.spent + amount)
        .returning(row.spent)
    )
    after = spent.scalar_one_or_none()
    return None if after is None else int(after) - amount


async def spent_on(conn: AsyncConnection, provider: str, currency: str, day: date) -> int:
    row = credit_budget_days.c
    query = select(row.spent).where(row.provider == provider, row.currency == currency, row.day == day)
    return int((await conn.execute(query)).scalar_one_or_none() or 0)


def _insert_if_absent(conn: AsyncConnection, values: dict[str, Any]) -> Insert:
    if conn.dialect.name == "postgresql":
        return postgresql.insert(credit_budget_days).values(values).on_conflict_do_nothing()
    return sqlite.insert(credit_budget_days).values(values).on_conflict_do_nothing()


async def max_payout_multiple(conn: AsyncConnection, provider: str) -> int | None:
    query = select(payout_limits.c.max_payout_multiple).where(payout_limits.c.provider == provider)
    return (await conn.execute(query)).scalar_one_or_none()


async def find_hold(conn: AsyncConnection, provider: str, transaction_id: str) -> RowMapping | None:
    query = select(payout_holds).where(
        payout_holds.c.provider == provider, payout_holds.c.transaction_id == transaction_id
    )
    return (await conn.execute(query)).mappings().first()


async def insert_hold(conn: AsyncConnection, values: dict[str, Any]) -> bool:
    """Store a new pending hold; False when the key is held already (another core held it first)."""
    try:
        async with conn.begin_nested():
            await conn.execute(insert(payout_holds).values(values))
    except IntegrityError:
        return False
    return True


async def list_holds(conn: AsyncConnection, status: str | None, limit: int) -> list[RowMapping]:
    query = select(payout_holds).order_by(payout_holds.c.id).limit(limit)
    if status is not None:
        query = query.where(payout_holds.c.status == status)
    return list((await conn.execute(query)).mappings().all())


async def decide_hold(
    conn: AsyncConnection, hold_id: int, status: str, actor: str, at: datetime, reason: str
) -> RowMapping | None:
    """A pending hold decided; None when there is no pending hold ``hold_id``."""
    decided = await conn.execute(
        update(payout_holds)
        .where(payout_holds.c.id == hold_id, payout_holds.c.status == "pending")
        .values(status=status, decided_by=actor, decided_at=at, decision_reason=reason or None)
        .returning(*payout_holds.c)
    )
    return decided.mappings().first()


def held_at(row: RowMapping, column: str) -> datetime | None:
    return utc(row[column])
