"""The tables and queries of held payouts (wallet_core/holds.py has the rules): each provider's
payout limit, and the credits held for review, keyed like their transaction (provider and
transaction_id; holds are credits only)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
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
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

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
    Column("stake", BigInteger, nullable=False),
    Column("paid_before", BigInteger, nullable=False),
    Column("status", String(16), nullable=False),
    Column("held_at", DateTime(timezone=True), nullable=False),
    Column("decided_by", String(128), nullable=True),
    Column("decided_at", DateTime(timezone=True), nullable=True),
    Column("decision_reason", Text, nullable=True),
    UniqueConstraint("provider", "transaction_id", name="uq_payout_holds_key"),
    Index("ix_payout_holds_status", "status", "id"),
)


async def replace_limits(conn: AsyncConnection, multiples: Mapping[str, int]) -> None:
    """The limits the fast paths read become ``multiples`` (provider: max payout multiple)."""
    await conn.execute(delete(payout_limits))
    if multiples:
        await conn.execute(
            insert(payout_limits), [{"provider": p, "max_payout_multiple": m} for p, m in multiples.items()]
        )


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
