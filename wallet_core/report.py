"""``wallet report``: what moved per provider, currency and round in a time range, and the bets
left open too long. It only reads the ledger.

The figures, in minor units of one currency (currencies are never mixed), over the
transactions *completed* in ``[since, until)`` by the time the wallet recorded them
(``created_at``, not the provider's ``event_time``):

- **bets**: the sum of completed debits (the stakes taken); ``bet_count`` counts them;
- **wins**: the sum of completed credits linked to a bet (gross payouts, stake included;
  a ``"0"`` payout settles a lost bet and adds nothing);
- **promotions**: the sum of completed credits linked to no bet (not part of GGR);
- **cancels**: the stakes given back by completed rollbacks that moved money (a repeated
  cancel of a bet already cancelled, and a tombstone, move nothing and count nothing);
- **reversed_payouts**: what those rollbacks took back with ``reverse_payouts``;
- **GGR** = bets - cancels - (wins - reversed_payouts).

A transaction counts in the round of its bet (the ``round_id`` of the bet's debit), so that a
cancel or payout sent without a round id lands beside its bet; a transaction without a bet
(a promotion) counts in its own ``round_id``. A payout in the range for a bet placed before
it counts, without its stake: the figures are what moved in the range.

**Unsettled**: bets still in state ``placed`` now whose ``placed_at`` is more than
``unsettled_after`` before ``until``, however old (a bet placed before ``since`` is listed too).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from wallet_core.domain import BetState, Kind, Status
from wallet_core.money import to_decimal_string
from wallet_core.store import queries as q
from wallet_core.store.schema import bets, transactions

DEFAULT_UNSETTLED_AFTER = timedelta(minutes=60)


@dataclass(frozen=True)
class Figures:
    """Sums over completed transactions, in minor units of one currency."""

    bet_count: int = 0
    bets: int = 0
    wins: int = 0
    promotions: int = 0
    cancels: int = 0
    reversed_payouts: int = 0

    @property
    def ggr(self) -> int:
        return self.bets - self.cancels - (self.wins - self.reversed_payouts)

    def __add__(self, other: Figures) -> Figures:
        return Figures(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


@dataclass(frozen=True)
class RoundFigures:
    provider: str
    currency: str
    round_id: str
    figures: Figures


@dataclass(frozen=True)
class ProviderFigures:
    """One provider's totals in one currency."""

    provider: str
    currency: str
    figures: Figures


@dataclass(frozen=True)
class UnsettledBet:
    provider: str
    bet_id: str  # the provider's transaction id of the bet
    player_id: str
    currency: str
    stake: int
    round_id: str
    placed_at: datetime
    age: timedelta  # at the report's end


@dataclass(frozen=True)
class Report:
    since: datetime
    until: datetime
    unsettled_after: timedelta
    scales: dict[str, int]
    rounds: list[RoundFigures]
    unsettled: list[UnsettledBet]

    @property
    def providers(self) -> list[ProviderFigures]:
        totals: dict[tuple[str, str], Figures] = defaultdict(Figures)
        for line in self.rounds:
            totals[line.provider, line.currency] += line.figures
        return [ProviderFigures(provider, currency, figures) for (provider, currency), figures in totals.items()]

    @property
    def currencies(self) -> dict[str, Figures]:
        """Every provider together, per currency."""
        totals: dict[str, Figures] = defaultdict(Figures)
        for line in self.rounds:
            totals[line.currency] += line.figures
        return dict(sorted(totals.items()))

    def amount(self, minor: int, currency: str) -> str:
        """Minor units as the currency's decimal string ("-9.50")."""
        return to_decimal_string(minor, self.scales[currency])

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready values: amounts as decimal strings, times in ISO 8601."""
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "unsettled_after_minutes": self.unsettled_after // timedelta(minutes=1),
            "currencies": [{"currency": c, **self._figures(f, c)} for c, f in self.currencies.items()],
            "providers": [
                {"provider": p.provider, "currency": p.currency, **self._figures(p.figures, p.currency)}
                for p in self.providers
            ],
            "rounds": [
                {
                    "provider": r.provider,
                    "currency": r.currency,
                    "round_id": r.round_id,
                    **self._figures(r.figures, r.currency),
                }
                for r in self.rounds
            ],
            "unsettled": [
                {
                    "provider": b.provider,
                    "bet_id": b.bet_id,
                    "player_id": b.player_id,
                    "currency": b.currency,
                    "stake": self.amount(b.stake, b.currency),
                    "round_id": b.round_id,
                    "placed_at": b.placed_at.isoformat(),
                    "age_minutes": b.age // timedelta(minutes=1),
                }
                for b in self.unsettled
            ],
        }

    def _figures(self, figures: Figures, currency: str) -> dict[str, Any]:
        amounts = {
            f.name: self.amount(getattr(figures, f.name), currency) for f in fields(figures) if f.name != "bet_count"
        }
        return {"bet_count": figures.bet_count, **amounts, "ggr": self.amount(figures.ggr, currency)}


async def build_report(
    engine: AsyncEngine, *, since: datetime, until: datetime, unsettled_after: timedelta = DEFAULT_UNSETTLED_AFTER
) -> Report:
    """The report for ``[since, until)``; both must be timezone-aware."""
    if since.tzinfo is None or until.tzinfo is None:
        raise ValueError("since and until must be timezone-aware")
    if since >= until:
        raise ValueError("since must be before until")
    async with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            # One snapshot for every query, so that the figures and the open bets agree.
            await conn.execution_options(isolation_level="REPEATABLE READ")
        scales = await q.load_currencies(conn)
        rounds = await _round_figures(conn, since, until)
        unsettled = await _unsettled_bets(conn, until, unsettled_after)
    return Report(since, until, unsettled_after, scales, rounds, unsettled)


async def provider_figures(conn: AsyncConnection, since: datetime, until: datetime) -> list[ProviderFigures]:
    """Each provider's totals per currency over ``[since, until)`` (the report's figures, its rounds summed)."""
    totals: dict[tuple[str, str], Figures] = defaultdict(Figures)
    for line in await _round_figures(conn, since, until):
        totals[line.provider, line.currency] += line.figures
    return [ProviderFigures(provider, currency, figures) for (provider, currency), figures in sorted(totals.items())]


async def _round_figures(conn: AsyncConnection, since: datetime, until: datetime) -> list[RoundFigures]:
    tx = transactions
    is_debit = tx.c.kind == Kind.DEBIT.value
    is_credit = tx.c.kind == Kind.CREDIT.value
    # Only the rollback that cancelled the bet touches an account; a repeated cancel has none.
    is_cancel = and_(tx.c.kind == Kind.ROLLBACK.value, tx.c.account_id.is_not(None))
    # Not labelled "round_id": PostgreSQL would read that name in GROUP BY as an ambiguous input column.
    round_id = func.coalesce(q.bet_debit.c.round_id, tx.c.round_id).label("bet_round_id")
    query = (
        select(
            tx.c.provider,
            tx.c.currency,
            round_id,
            func.count(case((is_debit, tx.c.id))).label("bet_count"),
            func.sum(case((is_debit, tx.c.amount), else_=0)).label("bets"),
            func.sum(case((and_(is_credit, tx.c.bet_id.is_not(None)), tx.c.amount), else_=0)).label("wins"),
            func.sum(case((and_(is_credit, tx.c.bet_id.is_(None)), tx.c.amount), else_=0)).label("promotions"),
            func.sum(case((is_cancel, tx.c.amount), else_=0)).label("cancels"),
            # A rollback records the stake as its amount and stake - payouts taken back as its change.
            func.sum(case((is_cancel, tx.c.amount - tx.c.balance_change), else_=0)).label("reversed_payouts"),
        )
        .select_from(tx.outerjoin(q.bet_debit, q.debit_of_bet(tx.c.bet_id)))
        .where(tx.c.status == Status.COMPLETED.value, tx.c.created_at >= since, tx.c.created_at < until)
        .group_by(tx.c.provider, tx.c.currency, round_id)
    )
    rows = (await conn.execute(query)).mappings()
    found = [RoundFigures(row["provider"], row["currency"], row["bet_round_id"], _figures(row)) for row in rows]
    # Sorted here, not in SQL: a database's collation could order ids differently on each store.
    return sorted(found, key=lambda r: (r.provider, r.currency, r.round_id))


def _figures(row: RowMapping) -> Figures:
    # PostgreSQL sums bigints as NUMERIC (Decimal): exact, and int() keeps it so.
    return Figures(*(int(row[f.name]) for f in fields(Figures)))


async def _unsettled_bets(conn: AsyncConnection, until: datetime, older_than: timedelta) -> list[UnsettledBet]:
    query = (
        select(
            bets.c.provider,
            bets.c.transaction_id,
            bets.c.player_id,
            bets.c.currency,
            bets.c.stake,
            bets.c.placed_at,
            func.coalesce(q.bet_debit.c.round_id, "").label("bet_round_id"),
        )
        .select_from(bets.outerjoin(q.bet_debit, q.debit_of_bet(bets.c.id)))
        .where(bets.c.state == BetState.PLACED.value, bets.c.placed_at < until - older_than)
        .order_by(bets.c.placed_at, bets.c.id)
    )
    found = []
    for row in (await conn.execute(query)).mappings():
        placed_at = q.utc(row["placed_at"])
        assert placed_at is not None  # a placed bet always has its time
        found.append(
            UnsettledBet(
                row["provider"],
                row["transaction_id"],
                row["player_id"],
                row["currency"],
                row["stake"],
                row["bet_round_id"],
                placed_at,
                until - placed_at,
            )
        )
    return found
