"""The console's figures: GGR per provider, currency and UTC day, and the refusals the ledger
recorded per provider and reason. It only reads the ledger.

The GGR of a day is ``wallet report``'s over that day (wallet_core/report.py says what counts), so
that the console and the report never disagree. A refusal here is a *recorded* one: a money request
the ledger decided against and stored as ``failed`` (INSUFFICIENT_FUNDS, PLAYER_BLOCKED,
LIMIT_REACHED, ...). A gateway's own refusals (a bad signature, a malformed body) never reach the
ledger: they are in the gateways' logs and metrics.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from wallet_core.domain import Status
from wallet_core.errors import Reason, WalletError
from wallet_core.report import ProviderFigures, provider_figures
from wallet_core.store.database import in_transaction
from wallet_core.store.schema import transactions

MAX_DAYS = 92
"""The longest range asked at once: one query per day."""


@dataclass(frozen=True)
class DayFigures:
    day: str  # YYYY-MM-DD, UTC
    figures: ProviderFigures


@dataclass(frozen=True)
class Refusals:
    provider: str
    reason: str
    count: int


async def daily_figures(engine: AsyncEngine, since: datetime, until: datetime) -> list[DayFigures]:
    """Each UTC day of ``[since, until)`` with activity, cut at the range's ends, oldest first."""
    _check_range(since, until)

    async def read(conn: AsyncConnection) -> list[DayFigures]:
        found = []
        day = datetime.combine(since.astimezone(UTC).date(), time(), UTC)
        while day < until:
            start, end = max(day, since), min(day + timedelta(days=1), until)
            found += [DayFigures(day.date().isoformat(), f) for f in await provider_figures(conn, start, end)]
            day += timedelta(days=1)
        return found

    return await in_transaction(engine, read)


async def refusals(engine: AsyncEngine, since: datetime, until: datetime) -> list[Refusals]:
    """The failed transactions of ``[since, until)`` counted per provider and reason, most first."""
    _check_range(since, until)
    tx = transactions
    query = (
        select(tx.c.provider, tx.c.error_reason, func.count().label("count"))
        .where(tx.c.status == Status.FAILED.value, tx.c.created_at >= since, tx.c.created_at < until)
        .group_by(tx.c.provider, tx.c.error_reason)
    )

    async def read(conn: AsyncConnection) -> list[Refusals]:
        rows = (await conn.execute(query)).all()
        return [Refusals(str(provider), str(reason or ""), int(count)) for provider, reason, count in rows]

    found = await in_transaction(engine, read)
    return sorted(found, key=lambda r: (-r.count, r.provider, r.reason))


def _check_range(since: datetime, until: datetime) -> None:
    if since >= until:
        raise WalletError(Reason.INVALID_ARGUMENT, "since must be before until", field="since")
    if until - since > timedelta(days=MAX_DAYS):
        raise WalletError(Reason.INVALID_ARGUMENT, f"at most {MAX_DAYS} days at once", field="since")
