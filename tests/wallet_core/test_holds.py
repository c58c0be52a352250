"""A held payout is flagged (a metric, a WARNING line) once, however often it is re-sent or raced."""

from __future__ import annotations

import asyncio
import logging

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select

from tests.support.core import CoreHandle
from tests.wallet_core.helpers import credit, debit, refused, rows
from wallet_core.store.holds import payout_holds


def held_total(provider: str) -> float:
    return REGISTRY.get_sample_value("wallet_payouts_held_total", {"provider": provider}) or 0.0


async def test_a_held_payout_is_counted_and_logged_once(core: CoreHandle, caplog: pytest.LogCaptureFixture) -> None:
    await core.open_account("p1", "USD", "10")
    await debit(core, "b1", "p1", "1", provider="hrg")
    before = held_total("hrg")
    with caplog.at_level(logging.WARNING, logger="wallet_core.holds"):
        answers = await asyncio.gather(
            *(refused(credit(core, "w1", "p1", "100.01", provider="hrg", ref="b1")) for _ in range(4))
        )
    assert {answer.reason for answer in answers} == {"PAYOUT_HELD"}
    assert held_total("hrg") == before + 1
    (line,) = [r for r in caplog.records if r.name == "wallet_core.holds"]
    assert (line.levelno, line.getMessage()) == (logging.WARNING, "payout held for review")
    assert (line.__dict__["provider"], line.__dict__["transaction_id"], line.__dict__["amount"]) == ("hrg", "w1", 10001)
    assert len(await rows(core, select(payout_holds))) == 1
    assert await core.balance("p1", "USD") == 9
