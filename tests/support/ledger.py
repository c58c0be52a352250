"""The ledger called directly (no gRPC) on a test database, with a clock the test sets.

The ledger stamps rows with ``wallet_core.store.queries.now``; ``frozen_clock`` replaces it, so
a test can place transactions at chosen times (yesterday's bet, a payout after midnight).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

import pytest

from tests.support.core import TEST_CURRENCIES
from wallet_core.bootstrap import ledger_for
from wallet_core.domain import Kind, MoneyRequest, Outcome
from wallet_core.ledger import Ledger
from wallet_core.store import queries


@dataclass
class Clock:
    moment: datetime

    def __call__(self) -> datetime:
        return self.moment


def frozen_clock(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> Clock:
    """Every row the ledger writes from now on is stamped ``clock.moment`` (set it to move on)."""
    clock = Clock(moment)
    monkeypatch.setattr(queries, "now", clock)
    return clock


@asynccontextmanager
async def open_ledger(database_url: str) -> AsyncIterator[Ledger]:
    """A ledger over a migrated database, with the test currencies."""
    ledger = await ledger_for(database_url, TEST_CURRENCIES)
    try:
        yield ledger
    finally:
        await ledger.close()


async def bet(
    ledger: Ledger, provider: str, bet_id: str, player: str, currency: str, amount: str, round_id: str
) -> Outcome:
    return await ledger.debit(
        MoneyRequest.prepare(
            ledger.currencies, Kind.DEBIT, provider, bet_id, player, currency, amount, round_id=round_id
        )
    )


async def payout(
    ledger: Ledger,
    provider: str,
    bet_id: str,
    player: str,
    currency: str,
    amount: str,
    round_id: str,
    payout_id: str = "",
) -> Outcome:
    """A payout of ``bet_id``; its own id is the bet's unless given (as AIGame does)."""
    return await ledger.credit(
        MoneyRequest.prepare(
            ledger.currencies,
            Kind.CREDIT,
            provider,
            payout_id or bet_id,
            player,
            currency,
            amount,
            round_id=round_id,
            reference_id=bet_id,
        )
    )


async def promotion(ledger: Ledger, provider: str, credit_id: str, player: str, currency: str, amount: str) -> Outcome:
    return await ledger.credit(
        MoneyRequest.prepare(ledger.currencies, Kind.CREDIT, provider, credit_id, player, currency, amount)
    )


async def cancel(
    ledger: Ledger,
    provider: str,
    bet_id: str,
    player: str,
    currency: str,
    *,
    amount: str = "",
    cancel_id: str = "",
    reverse_payouts: bool = False,
) -> Outcome:
    """A cancel of ``bet_id`` without a round id (as AIGame sends it); its id is the bet's unless given."""
    return await ledger.rollback(
        MoneyRequest.prepare(
            ledger.currencies,
            Kind.ROLLBACK,
            provider,
            cancel_id or bet_id,
            player,
            currency,
            amount,
            reference_id=bet_id,
            reverse_payouts=reverse_payouts,
        )
    )
