"""The console's figures straight from the store: each UTC day cut at the range's ends, and the ranges refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.support.core import CoreHandle
from tests.wallet_core.helpers import debit, refused
from wallet_core.errors import WalletError
from wallet_core.figures import MAX_DAYS, daily_figures, refusals
from wallet_core.store.database import create_engine


async def test_days_and_refusals(core: CoreHandle) -> None:
    await core.open_account("p1", "USD", "20")
    await debit(core, "b1", "p1", "10", provider="hrg")
    await refused(debit(core, "b2", "p1", "50", provider="hrg"))
    await refused(debit(core, "b3", "p1", "50", provider="hrg"))
    now = datetime.now(UTC) + timedelta(seconds=1)
    engine = create_engine(core.database_url, pool_size=1)
    try:
        (today,) = await daily_figures(engine, now - timedelta(days=3), now)
        assert (today.day, today.figures.provider, today.figures.figures.bets) == (now.date().isoformat(), "hrg", 1000)
        # A range that ends before the bet counts nothing, though its day is today's.
        assert await daily_figures(engine, now - timedelta(days=1), now - timedelta(minutes=5)) == []
        (counted,) = await refusals(engine, now - timedelta(hours=24), now)
        assert (counted.provider, counted.reason, counted.count) == ("hrg", "INSUFFICIENT_FUNDS", 2)
        with pytest.raises(WalletError, match="since must be before until"):
            await daily_figures(engine, now, now)
        with pytest.raises(WalletError, match=f"at most {MAX_DAYS} days"):
            await refusals(engine, now - timedelta(days=MAX_DAYS + 1), now)
    finally:
        await engine.dispose()
