"""Held payouts: a payout past its provider's ``max_payout_multiple`` times its bet's stake (the bet's
payouts in total, this one included), and a credit with no bet past its provider's daily budget of
them in its currency, are held for review, neither paid nor refused for good.

- Held: nothing is paid and no transaction is stored (the key stays free for the re-send); a row of
  ``payout_holds`` keeps the request's fingerprint, what it would pay and the bet's stake. The
  answer is PAYOUT_HELD (gRPC ABORTED), each gateway's retryable failure: the provider re-sends.
- ``wallet review approve``: the next re-send of that exact request (same fingerprint) is paid, as
  any payout is (a re-send after that is a replay). ``wallet review reject``: every re-send is
  refused PAYOUT_REJECTED, with the reviewer's reason.
- A request with a held key and another fingerprint is IDEMPOTENCY_CONFLICT, as for a stored
  transaction: the key is the held request's.

The check runs on the ledger's general path under the bet's row lock; the fast paths decline (their
"not the usual case") a payout past the limit or with a held key, so that it comes here. The limits
are the configuration's, written to ``payout_limits`` when the core starts, where the fast paths and
this check read them. A credit with no bet always takes the general path: the day's running total
of its provider and currency (``credit_budget_days``, the day counted in the budget's time zone)
grows under that row's lock, so that two cores cannot both pass the budget. An approved credit past
the budget is paid without counting in it: the reviewer made it an exception.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from wallet_core import money
from wallet_core.audit import AdminAudit
from wallet_core.domain import Bet, MoneyRequest, scale_of
from wallet_core.errors import Reason, WalletError
from wallet_core.metrics import PAYOUTS_HELD
from wallet_core.store import holds as h
from wallet_core.store.database import in_transaction
from wallet_core.store.queries import now

log = logging.getLogger("wallet_core.holds")

PENDING = "pending"
APPROVED = "approved"
REJECTED = "rejected"
STATUSES = (PENDING, APPROVED, REJECTED)
PAST_MULTIPLE = "multiple"
PAST_BUDGET = "budget"
"""Why a credit was held: past its provider's multiple of the stake, or past the day's budget."""
PAYOUT_APPROVED = "payout.approved"
PAYOUT_REJECTED = "payout.rejected"
"""The admin audit's actions for a review's decision."""
HELD_MESSAGE = "the payout is held for review: re-send the same request later"


class PayoutToHold(WalletError):
    """Raised under the bet's lock so that the credit's transaction rolls back; the ledger then
    stores ``hold`` in a transaction of its own (``record``) and answers this error."""

    def __init__(self, hold: dict[str, Any]) -> None:
        super().__init__(Reason.PAYOUT_HELD, HELD_MESSAGE, transaction_id=hold["transaction_id"])
        self.hold = hold


@dataclass(frozen=True)
class Hold:
    id: int
    provider: str
    transaction_id: str
    player_id: str
    currency: str
    amount: int
    reference_id: str
    cause: str
    stake: int | None
    """The bet's stake; None for a credit with no bet."""
    paid_before: int
    """What the bet had paid before it; for a credit with no bet, the day's total before it."""
    status: str
    held_at: datetime
    decided_by: str
    decided_at: datetime | None
    decision_reason: str

    def as_dict(self, scale: int) -> dict[str, Any]:
        """What ``wallet review list`` shows: amounts as decimals of the currency's ``scale``."""
        return {
            "id": self.id,
            "provider": self.provider,
            "transaction_id": self.transaction_id,
            "player_id": self.player_id,
            "currency": self.currency,
            "amount": money.to_decimal_string(self.amount, scale),
            "reference_transaction_id": self.reference_id,
            "cause": self.cause,
            "stake": "" if self.stake is None else money.to_decimal_string(self.stake, scale),
            "paid_before": money.to_decimal_string(self.paid_before, scale),
            "status": self.status,
            "held_at": self.held_at.isoformat(),
            "decided_by": self.decided_by,
            "decided_at": self.decided_at.isoformat() if self.decided_at else "",
            "decision_reason": self.decision_reason,
        }


async def check_payout(conn: AsyncConnection, request: MoneyRequest, bet: Bet) -> None:
    """Under ``bet``'s row lock: return when the payout may be paid; raise when it is held (a new
    hold: PayoutToHold), conflicts with the held request, or was rejected."""
    if await _approved(conn, request):
        return
    multiple = await h.max_payout_multiple(conn, request.provider)
    if multiple and bet.payout + request.amount > bet.stake * multiple:
        raise PayoutToHold(_hold_values(request, PAST_MULTIPLE, stake=bet.stake, paid_before=bet.payout))


async def check_credit_without_bet(conn: AsyncConnection, request: MoneyRequest) -> None:
    """Return when the credit may be paid (counted in its day's budget, when there is one); raise
    as ``check_payout`` does."""
    if not request.amount or await _approved(conn, request):
        return
    budget = await h.budget(conn, request.provider, request.currency)
    if budget is None:
        return
    day = now().astimezone(ZoneInfo(budget.time_zone)).date()
    spent = await h.spend(conn, request.provider, request.currency, day, request.amount, budget.daily_budget)
    if spent is None:
        spent_before = await h.spent_on(conn, request.provider, request.currency, day)
        raise PayoutToHold(_hold_values(request, PAST_BUDGET, stake=None, paid_before=spent_before))


async def _approved(conn: AsyncConnection, request: MoneyRequest) -> bool:
    """True for a request whose hold was approved; raise for one held or rejected, or a conflict."""
    hold = await h.find_hold(conn, request.provider, request.transaction_id)
    if hold is None:
        return False
    _decided(hold, request)
    return True


def _hold_values(request: MoneyRequest, cause: str, *, stake: int | None, paid_before: int) -> dict[str, Any]:
    return {
        "provider": request.provider,
        "transaction_id": request.transaction_id,
        "request_hash": request.fingerprint,
        "player_id": request.player_id,
        "currency": request.currency,
        "amount": request.amount,
        "reference_id": request.reference_id,
        "cause": cause,
        "stake": stake,
        "paid_before": paid_before,
        "status": PENDING,
    }


async def record(engine: AsyncEngine, held: PayoutToHold) -> None:
    """Store a new hold (a concurrent re-send may have stored it first), count it and log it."""
    values = {**held.hold, "held_at": now()}
    stored = await in_transaction(engine, lambda conn: h.insert_hold(conn, values))
    if stored:
        PAYOUTS_HELD.labels(values["provider"]).inc()
        log.warning(
            "payout held for review",
            extra={
                key: values[key] for key in ("provider", "transaction_id", "player_id", "currency", "amount", "cause")
            },
        )


def _decided(hold: RowMapping, request: MoneyRequest) -> None:
    if hold["request_hash"] != request.fingerprint:
        raise WalletError(
            Reason.IDEMPOTENCY_CONFLICT,
            "this transaction_id is held for review for a different request",
            provider=request.provider,
            kind=request.kind.value,
            transaction_id=request.transaction_id,
            held="true",
        )
    if hold["status"] == PENDING:
        raise WalletError(Reason.PAYOUT_HELD, HELD_MESSAGE, transaction_id=request.transaction_id)
    if hold["status"] == REJECTED:
        raise WalletError(
            Reason.PAYOUT_REJECTED,
            "the payout was held for review and rejected",
            transaction_id=request.transaction_id,
            decision_reason=hold["decision_reason"] or "",
        )


class Review:
    """The reviewer's side: the holds, and each pending one approved or rejected (audited)."""

    def __init__(self, engine: AsyncEngine, currencies: dict[str, int], audit: AdminAudit) -> None:
        self.engine = engine
        self.currencies = currencies
        self.audit = audit

    async def holds(self, status: str | None = PENDING, limit: int = 100) -> list[Hold]:
        rows = await in_transaction(self.engine, lambda conn: h.list_holds(conn, status, limit))
        return [_hold(row) for row in rows]

    async def approve(self, hold_id: int, actor: str) -> Hold:
        return await self._decide(hold_id, APPROVED, actor, "")

    async def reject(self, hold_id: int, actor: str, reason: str) -> Hold:
        if not reason.strip():
            raise WalletError(Reason.INVALID_ARGUMENT, "a rejection needs a reason", field="reason")
        return await self._decide(hold_id, REJECTED, actor, reason)

    def scale(self, hold: Hold) -> int:
        return scale_of(self.currencies, hold.currency)

    async def _decide(self, hold_id: int, status: str, actor: str, reason: str) -> Hold:
        row = await in_transaction(self.engine, lambda conn: h.decide_hold(conn, hold_id, status, actor, now(), reason))
        if row is None:
            raise WalletError(Reason.TRANSACTION_NOT_FOUND, f"no pending hold {hold_id}", hold_id=hold_id)
        hold = _hold(row)
        action = PAYOUT_APPROVED if status == APPROVED else PAYOUT_REJECTED
        details = hold.as_dict(self.scale(hold))
        await self.audit.record(actor, action, f"{hold.provider} {hold.transaction_id}", **details)
        return hold


def _hold(row: RowMapping) -> Hold:
    held_at = h.held_at(row, "held_at")
    assert held_at is not None
    return Hold(
        id=int(row["id"]),
        provider=row["provider"],
        transaction_id=row["transaction_id"],
        player_id=row["player_id"],
        currency=row["currency"],
        amount=int(row["amount"]),
        reference_id=row["reference_id"],
        cause=row["cause"],
        stake=None if row["stake"] is None else int(row["stake"]),
        paid_before=int(row["paid_before"]),
        status=row["status"],
        held_at=held_at,
        decided_by=row["decided_by"] or "",
        decided_at=h.held_at(row, "decided_at"),
        decision_reason=row["decision_reason"] or "",
    )
