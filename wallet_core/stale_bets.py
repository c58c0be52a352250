"""The bets a provider left placed (neither settled nor cancelled) for too long, for the reconciler.

Read-only. A page is ordered by the bet's own id (the order bets were placed in, near enough), and the
next page starts after the last id of this one, so that a bet settled between two pages never shifts
another out of the listing. There is no index on the bets' state: a reconcile run reads the table
once per page, which an operator's occasional run can afford (docs/operations.md, "Reconciling").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import RowMapping, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from wallet_core.domain import BetState
from wallet_core.store import queries as q
from wallet_core.store.database import in_transaction
from wallet_core.store.schema import bets


@dataclass(frozen=True)
class StaleBet:
    id: int
    provider: str
    transaction_id: str
    player_id: str
    currency: str
    stake: int
    """In minor units."""
    placed_at: datetime
    round_id: str
    game_id: str
    table_id: str


async def stale_bets(
    engine: AsyncEngine, provider: str, placed_before: datetime, *, after_id: int, limit: int
) -> list[StaleBet]:
    """Up to ``limit`` bets of ``provider`` still placed, placed before ``placed_before``, with an id
    above ``after_id``, by id."""
    query = (
        select(
            bets.c.id,
            bets.c.provider,
            bets.c.transaction_id,
            bets.c.player_id,
            bets.c.currency,
            bets.c.stake,
            bets.c.placed_at,
            func.coalesce(q.bet_debit.c.round_id, "").label("debit_round_id"),
            func.coalesce(q.bet_debit.c.game_id, "").label("debit_game_id"),
            func.coalesce(q.bet_debit.c.table_id, "").label("debit_table_id"),
        )
        .select_from(bets.outerjoin(q.bet_debit, q.debit_of_bet(bets.c.id)))
        .where(
            bets.c.provider == provider,
            bets.c.state == BetState.PLACED.value,
            bets.c.placed_at < placed_before,
            bets.c.id > after_id,
        )
        .order_by(bets.c.id)
        .limit(limit)
    )

    async def read(conn: AsyncConnection) -> Sequence[RowMapping]:
        return (await conn.execute(query)).mappings().all()

    rows = await in_transaction(engine, read)
    found = []
    for row in rows:
        placed_at = q.utc(row["placed_at"])
        assert placed_at is not None  # a placed bet always has its time
        found.append(
            StaleBet(
                id=int(row["id"]),
                provider=str(row["provider"]),
                transaction_id=str(row["transaction_id"]),
                player_id=str(row["player_id"]),
                currency=str(row["currency"]),
                stake=int(row["stake"]),
                placed_at=placed_at,
                round_id=str(row["debit_round_id"]),
                game_id=str(row["debit_game_id"]),
                table_id=str(row["debit_table_id"]),
            )
        )
    return found


def placed_before(now: datetime, older_than_seconds: int) -> datetime:
    return now - timedelta(seconds=older_than_seconds)
