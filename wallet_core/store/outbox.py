"""The outbox's statements (a trigger fills it: migration 0014): lease partitions to a relay, read
their events, delete what NATS stored, measure the backlog. No rule lives here: ``wallet_core.outbox``."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from wallet_core.domain import Transaction
from wallet_core.store import queries as q
from wallet_core.store.schema import outbox, outbox_leases, transactions


async def lease_partitions(
    conn: AsyncConnection, relay: str, max_partitions: int, lease: timedelta, now: datetime
) -> list[int]:
    """Up to ``max_partitions`` partitions with events that are free, ``relay``'s already, or whose
    lease expired, now leased to ``relay`` until ``now + lease``. Rows another relay is leasing at this
    moment are skipped (PostgreSQL: SKIP LOCKED; SQLite serialises its writers)."""
    leasable = or_(
        outbox_leases.c.relay == relay, outbox_leases.c.expires_at.is_(None), outbox_leases.c.expires_at < now
    )
    has_events = exists().where(outbox.c.partition == outbox_leases.c.partition)
    chosen = list(
        (
            await conn.execute(
                select(outbox_leases.c.partition)
                .where(leasable, has_events)
                .order_by(func.random())  # relays that ask together spread over the partitions
                .limit(max_partitions)
                .with_for_update(skip_locked=True)
            )
        ).scalars()
    )
    if chosen:
        await conn.execute(
            update(outbox_leases)
            .where(outbox_leases.c.partition.in_(chosen))
            .values(relay=relay, expires_at=now + lease)
        )
    return chosen


async def events_of(conn: AsyncConnection, partitions: list[int], limit: int) -> list[tuple[int, Transaction]]:
    """The oldest ``limit`` events of ``partitions``, in sequence order: (sequence, transaction)."""
    if not partitions:
        return []
    rows = list(
        (
            await conn.execute(
                select(outbox.c.id.label("sequence"), transactions)
                .join(transactions, transactions.c.id == outbox.c.transaction_row_id)
                .where(outbox.c.partition.in_(partitions))
                .order_by(outbox.c.id)
                .limit(limit)
            )
        ).mappings()
    )
    found = await q.transactions_with_bets(conn, rows)
    return [(row["sequence"], tx) for row, tx in zip(rows, found, strict=True)]


async def remove(conn: AsyncConnection, sequences: list[int]) -> int:
    """Delete the published events; answers how many were still there."""
    if not sequences:
        return 0
    return (await conn.execute(delete(outbox).where(outbox.c.id.in_(sequences)))).rowcount


async def release(conn: AsyncConnection, relay: str) -> None:
    await conn.execute(update(outbox_leases).where(outbox_leases.c.relay == relay).values(relay=None, expires_at=None))


async def backlog(conn: AsyncConnection) -> tuple[int, datetime | None]:
    """How many events wait, and when the oldest was committed."""
    count, oldest = (await conn.execute(select(func.count(), func.min(outbox.c.created_at)))).one()
    return int(count), q.utc(oldest)
