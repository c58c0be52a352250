"""The figures of ``wallet report`` (wallet_core.report), from a day of real ledger calls on each store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.support.ledger import Clock, bet, cancel, frozen_clock, open_ledger, payout, promotion
from wallet_core.errors import Reason, WalletError
from wallet_core.ledger import Ledger
from wallet_core.report import Report, build_report
from wallet_core.store.database import create_engine

DAY = datetime(2026, 3, 10, tzinfo=UTC)
NEXT_DAY = DAY + timedelta(days=1)


def at(hour: int, minute: int = 0, *, day: datetime = DAY) -> datetime:
    return day + timedelta(hours=hour, minutes=minute)


async def refused(reason: Reason, call: Any) -> None:
    with pytest.raises(WalletError) as caught:
        await call
    assert caught.value.reason is reason


async def a_day_of_play(ledger: Ledger, clock: Clock) -> None:
    """Everything the report must count, and everything it must not."""
    clock.moment = DAY - timedelta(hours=12)
    await ledger.create_account("alice", "USD", "1000.00")
    await ledger.create_account("bob", "USD", "50.00")
    await ledger.create_account("carol", "BRL", "500.00")
    await ledger.create_account("dave", "COIN", "100")
    await bet(ledger, "aigame", "stale-0", "alice", "USD", "1.00", "r-old")  # never settled

    clock.moment = DAY - timedelta(minutes=30)  # yesterday's bet, paid today
    await bet(ledger, "aigame", "old-1", "alice", "USD", "10.00", "r0")
    clock.moment = at(1)
    await payout(ledger, "aigame", "old-1", "alice", "USD", "25.00", "r0")

    clock.moment = at(2)  # r1: a win, a loss, a refused bet; the same round id in another currency
    await bet(ledger, "aigame", "b1", "alice", "USD", "10.00", "r1")
    await bet(ledger, "aigame", "b2", "bob", "USD", "20.00", "r1")
    await refused(Reason.INSUFFICIENT_FUNDS, bet(ledger, "aigame", "b5", "bob", "USD", "1000.00", "r1"))
    await bet(ledger, "aigame", "c1", "carol", "BRL", "4.00", "r1")
    clock.moment = at(2, 5)
    await payout(ledger, "aigame", "b1", "alice", "USD", "19.50", "r1")
    await payout(ledger, "aigame", "b2", "bob", "USD", "0", "r1")
    await payout(ledger, "aigame", "c1", "carol", "BRL", "8.00", "r1")

    clock.moment = at(3)  # r2: cancelled, then the cancel repeated, then cancelled again under another id
    await bet(ledger, "aigame", "b3", "alice", "USD", "5.00", "r2")
    assert not (await cancel(ledger, "aigame", "b3", "alice", "USD", amount="5.00")).replay
    assert (await cancel(ledger, "aigame", "b3", "alice", "USD", amount="5.00")).replay
    moved = await cancel(ledger, "aigame", "b3", "alice", "USD", amount="5.00", cancel_id="b3-again")
    assert moved.transaction.balance_change == 0

    clock.moment = at(4)  # r3: paid, then cancelled with the payout taken back
    await bet(ledger, "aigame", "b4", "alice", "USD", "100.00", "r3")
    await payout(ledger, "aigame", "b4", "alice", "USD", "195.00", "r3")
    await cancel(ledger, "aigame", "b4", "alice", "USD", amount="100.00", reverse_payouts=True)

    clock.moment = at(5)  # a cancel before its bet: a tombstone, and the late bet refused
    await cancel(ledger, "aigame", "ghost", "alice", "USD", amount="3.00")
    await refused(Reason.ALREADY_ROLLED_BACK, bet(ledger, "aigame", "ghost", "alice", "USD", "3.00", "r9"))

    clock.moment = at(6)
    await promotion(ledger, "hrg", "promo-1", "alice", "USD", "7.00")
    clock.moment = at(7)
    await bet(ledger, "hrg", "h1", "carol", "BRL", "50.00", "R-9")
    await payout(ledger, "hrg", "h1", "carol", "BRL", "0", "R-9")
    clock.moment = at(8)  # SUD pays against the buy-in under its own id
    await bet(ledger, "sud", "o-1", "dave", "COIN", "30", "m1")
    await payout(ledger, "sud", "o-1", "dave", "COIN", "45", "m1", payout_id="settle-1")

    clock.moment = at(22, 30)  # still open at the end: 90 min
    await bet(ledger, "aigame", "b6", "alice", "USD", "3.00", "r4")
    clock.moment = at(23, 30)  # 30 min
    await bet(ledger, "aigame", "b7", "alice", "USD", "2.00", "r4")
    clock.moment = NEXT_DAY  # the end is excluded
    await bet(ledger, "aigame", "b8", "alice", "USD", "1.00", "r5")


async def report_of(database_url: str, monkeypatch: pytest.MonkeyPatch, **window: Any) -> Report:
    clock = frozen_clock(monkeypatch, DAY)
    async with open_ledger(database_url) as ledger:
        await a_day_of_play(ledger, clock)
        return await build_report(ledger.engine, **window)


def figures(
    count: int, bets: str, wins: str, cancels: str, reversed_payouts: str, promotions: str, ggr: str
) -> dict[str, Any]:
    return {
        "bet_count": count,
        "bets": bets,
        "wins": wins,
        "promotions": promotions,
        "cancels": cancels,
        "reversed_payouts": reversed_payouts,
        "ggr": ggr,
    }


def round_line(provider: str, currency: str, round_id: str, *values: Any) -> dict[str, Any]:
    return {"provider": provider, "currency": currency, "round_id": round_id, **figures(*values)}


async def test_figures_per_round_provider_and_currency(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    found = (await report_of(database_url, monkeypatch, since=DAY, until=NEXT_DAY)).as_dict()

    assert found["rounds"] == [
        round_line("aigame", "BRL", "r1", 1, "4.00", "8.00", "0.00", "0.00", "0.00", "-4.00"),
        # old-1's stake was taken yesterday: today only its payout moved.
        round_line("aigame", "USD", "r0", 0, "0.00", "25.00", "0.00", "0.00", "0.00", "-25.00"),
        # b5 was refused: not a bet.
        round_line("aigame", "USD", "r1", 2, "30.00", "19.50", "0.00", "0.00", "0.00", "10.50"),
        # The cancels carry no round id; the repeat and the second cancel moved nothing.
        round_line("aigame", "USD", "r2", 1, "5.00", "0.00", "5.00", "0.00", "0.00", "0.00"),
        round_line("aigame", "USD", "r3", 1, "100.00", "195.00", "100.00", "195.00", "0.00", "0.00"),
        round_line("aigame", "USD", "r4", 2, "5.00", "0.00", "0.00", "0.00", "0.00", "5.00"),
        round_line("hrg", "BRL", "R-9", 1, "50.00", "0.00", "0.00", "0.00", "0.00", "50.00"),
        round_line("hrg", "USD", "", 0, "0.00", "0.00", "0.00", "0.00", "7.00", "0.00"),
        round_line("sud", "COIN", "m1", 1, "30", "45", "0", "0", "0", "-15"),
    ]
    assert found["providers"] == [
        {"provider": "aigame", "currency": "BRL", **figures(1, "4.00", "8.00", "0.00", "0.00", "0.00", "-4.00")},
        {
            "provider": "aigame",
            "currency": "USD",
            **figures(6, "140.00", "239.50", "105.00", "195.00", "0.00", "-9.50"),
        },
        {"provider": "hrg", "currency": "BRL", **figures(1, "50.00", "0.00", "0.00", "0.00", "0.00", "50.00")},
        {"provider": "hrg", "currency": "USD", **figures(0, "0.00", "0.00", "0.00", "0.00", "7.00", "0.00")},
        {"provider": "sud", "currency": "COIN", **figures(1, "30", "45", "0", "0", "0", "-15")},
    ]
    assert found["currencies"] == [
        {"currency": "BRL", **figures(2, "54.00", "8.00", "0.00", "0.00", "0.00", "46.00")},
        {"currency": "COIN", **figures(1, "30", "45", "0", "0", "0", "-15")},
        {"currency": "USD", **figures(6, "140.00", "239.50", "105.00", "195.00", "7.00", "-9.50")},
    ]
    assert (found["since"], found["until"]) == (DAY.isoformat(), NEXT_DAY.isoformat())


async def test_unsettled_bets_at_the_end_of_the_range(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    found = await report_of(database_url, monkeypatch, since=DAY, until=NEXT_DAY)

    # stale-0 was placed before the range and is listed all the same; b7 (30 min) is too young,
    # b8 was placed at the end; every other bet was settled or cancelled.
    assert found.as_dict()["unsettled"] == [
        {
            "provider": "aigame",
            "bet_id": "stale-0",
            "player_id": "alice",
            "currency": "USD",
            "stake": "1.00",
            "round_id": "r-old",
            "placed_at": (DAY - timedelta(hours=12)).isoformat(),
            "age_minutes": 36 * 60,
        },
        {
            "provider": "aigame",
            "bet_id": "b6",
            "player_id": "alice",
            "currency": "USD",
            "stake": "3.00",
            "round_id": "r4",
            "placed_at": at(22, 30).isoformat(),
            "age_minutes": 90,
        },
    ]
    assert found.unsettled_after == timedelta(minutes=60)

    engine = create_engine(database_url)
    try:
        shorter = await build_report(engine, since=DAY, until=NEXT_DAY, unsettled_after=timedelta(minutes=20))
        longer = await build_report(engine, since=DAY, until=NEXT_DAY, unsettled_after=timedelta(minutes=90))
    finally:
        await engine.dispose()
    assert [b.bet_id for b in shorter.unsettled] == ["stale-0", "b6", "b7"]
    assert [b.bet_id for b in longer.unsettled] == ["stale-0"]  # exactly 90 min is not more than 90


async def test_the_range_leaves_out_what_is_outside_it(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    found = await report_of(database_url, monkeypatch, since=at(6), until=NEXT_DAY + timedelta(hours=1))

    # From 06:00 (included): the promotion at 06:00 and later; b8 at midnight is now inside.
    assert [(r.provider, r.currency, r.round_id) for r in found.rounds] == [
        ("aigame", "USD", "r4"),
        ("aigame", "USD", "r5"),
        ("hrg", "BRL", "R-9"),
        ("hrg", "USD", ""),
        ("sud", "COIN", "m1"),
    ]
    assert found.currencies["USD"].bets == 600  # b6, b7 and b8, in cents
    assert found.currencies["USD"].ggr == 600
    # Open bets are judged at the new end: b7 is now 90 min old, b8 60 min (not more than 60).
    assert [b.bet_id for b in found.unsettled] == ["stale-0", "b6", "b7"]


async def test_nothing_in_the_range(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    found = await report_of(database_url, monkeypatch, since=DAY - timedelta(days=3), until=DAY - timedelta(days=2))
    assert (found.rounds, found.providers, found.currencies, found.unsettled) == ([], [], {}, [])


async def test_a_range_must_be_aware_and_forward(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        with pytest.raises(ValueError, match="before"):
            await build_report(engine, since=NEXT_DAY, until=DAY)
        with pytest.raises(ValueError, match="timezone"):
            await build_report(engine, since=DAY.replace(tzinfo=None), until=NEXT_DAY)
    finally:
        await engine.dispose()
