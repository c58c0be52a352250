"""The vendors' behaviour, one round at a time (aigame.md, hrg.md, sud.md):
- a bet answered with a failure that decided nothing, or not answered at all, is cancelled, and the
  cancel is re-sent until it succeeds;
- a payout (settle) is re-sent every few hundred ms until it succeeds, and sometimes once more after;
- SUD re-sends a notification or an update_score until it gets ret_code 0, and sometimes again;
- most bets are paid (a loss pays 0), some are cancelled, and AIGame sometimes cancels a bet it
  already paid (refund status 1: the stake back, the payout taken back).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from random import Random
from typing import Protocol

from faults.answers import Answer, Verdict
from faults.dialect import BetDialect
from faults.operator import Operator
from faults.oplog import Operation, OperationLog, Outcome, Round
from faults.sud import Sud
from wallet_core.domain import Kind

Send = Callable[[], Awaitable[Answer]]
FirstAnswer = Callable[[Answer], None]

CANCEL_SHARE = 0.1
"""Bets the vendor cancels although they were accepted (the round was void)."""
REVERSE_SHARE = 0.05
"""Paid AIGame bets cancelled afterwards (refund status 1)."""
REPEAT_SHARE = 0.2
"""Acknowledged payouts and notifications the vendor sends once more."""


class Sender(Protocol):
    log: OperationLog

    async def once(self, channel: str, op: Operation, send: Send) -> Answer: ...

    async def until_acked(self, channel: str, op: Operation, send: Send, first: FirstAnswer | None = None) -> None: ...

    async def repeat(self, channel: str, op: Operation, send: Send) -> None: ...


def stake(rng: Random) -> Decimal:
    return Decimal(rng.randint(100, 2000)) / 100


def win(rng: Random, bet: Decimal) -> Decimal:
    """Gross, the stake included: a loss (0), a tie (the stake back) or a win (twice it, or 1.95 times on Banker)."""
    roll = rng.random()
    if roll < 0.45:
        return Decimal("0.00")
    if roll < 0.55:
        return bet
    return (bet * (2 if roll < 0.8 else Decimal("1.95"))).quantize(Decimal("0.01"))


async def _cancel(sim: Sender, dialect: BetDialect, r: Round, bet: Operation, *, reverses: bool = False) -> None:
    cancel = r.add(Kind.ROLLBACK, bet.transaction_id, bet.amount, reverses=reverses)
    await sim.until_acked(dialect.provider, cancel, lambda: dialect.cancel(r, cancel))


async def bet_round(sim: Sender, dialect: BetDialect, r: Round, rng: Random, first: FirstAnswer | None = None) -> None:
    bet = r.add(Kind.DEBIT, sim.log.new_id(dialect.id_prefix), stake(rng))
    answer = await sim.once(dialect.provider, bet, lambda: dialect.bet(r, bet))
    if first is not None:
        first(answer)
    if answer.verdict is Verdict.REFUSED:
        bet.outcome = Outcome.REFUSED
        return
    if answer.verdict is Verdict.RETRY:
        bet.outcome = Outcome.UNKNOWN
        await _cancel(sim, dialect, r, bet)
        return
    bet.outcome, bet.acked_on_attempt = Outcome.ACKED, 1
    if rng.random() < CANCEL_SHARE:
        await _cancel(sim, dialect, r, bet)
        return
    payout = r.add(Kind.CREDIT, bet.transaction_id, win(rng, bet.amount))
    await sim.until_acked(dialect.provider, payout, lambda: dialect.settle(r, payout))
    if rng.random() < REPEAT_SHARE:
        await sim.repeat(dialect.provider, payout, lambda: dialect.settle(r, payout))
    if dialect.reverses_settled and payout.outcome is Outcome.ACKED and rng.random() < REVERSE_SHARE:
        await _cancel(sim, dialect, r, bet, reverses=True)


async def score_round(
    sim: Sender, sud: Sud, r: Round, rng: Random, first: FirstAnswer | None = None, kind: Kind | None = None
) -> None:
    """update_score: points consumed (a debit) or gained (a credit), re-sent until acknowledged."""
    chosen = kind or (Kind.DEBIT if rng.random() < 0.5 else Kind.CREDIT)
    op = r.add(chosen, sim.log.new_id(sud.id_prefix), Decimal(rng.randint(1, 20)))
    await sim.until_acked(sud.provider, op, lambda: sud.update_score(r, op), first)
    if op.outcome is Outcome.ACKED and rng.random() < REPEAT_SHARE:
        await sim.repeat(sud.provider, op, lambda: sud.update_score(r, op))


async def table_round(sim: Sender, sud: Sud, operator: Operator, r: Round, rng: Random) -> None:
    """A seat at a SUD table: the operator's buy-in over gRPC, then SUD's settlement against it."""
    buy_in = r.add(Kind.DEBIT, sim.log.new_id("b"), Decimal(rng.randint(10, 50)))
    await sim.until_acked("operator", buy_in, lambda: operator.buy_in(buy_in))
    if buy_in.outcome is not Outcome.ACKED:
        return
    settle = r.add(Kind.CREDIT, sim.log.new_id("o"), Decimal(rng.randint(0, int(buy_in.amount) * 2)))
    await sim.until_acked(sud.provider, settle, lambda: sud.settle(r, settle))
    if settle.outcome is Outcome.ACKED and rng.random() < REPEAT_SHARE:
        await sim.repeat(sud.provider, settle, lambda: sud.settle(r, settle))
