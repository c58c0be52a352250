"""Replays: a request outside its timestamp window is refused; a captured request sent again moves
money once, however often and however concurrently it is repeated.

The timestamp windows (aigame.md: 10 min either way on every endpoint; hrg.md: 5 min on place_bet
only, since HRG re-sends the others for hours; sud.md: 10 min on Sud-Timestamp) bound how long a
captured request is worth replaying. What makes a replay harmless inside the window is the core's
idempotency key: the same request is answered with its original result and moves nothing, and a SUD
notification re-sent under a new notify_id is deduplicated by its order ids.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from tests.gateways.aigame.conftest import running_aigame
from tests.gateways.aigame.vendor import now_ms
from tests.gateways.hrg.conftest import running_hrg
from tests.gateways.hrg.vendor import GMT8, hrg_time
from tests.gateways.sud.conftest import NOTIFY, UPDATE_SCORE, running_sud
from tests.gateways.sud.vendor import human, new_id
from tests.support.core import CoreHandle

REPEATS = 6
MINUTE_MS = 60_000


def _raw(body: Any) -> bytes:
    return json.dumps(body).encode()


# --- AIGame ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("offset_ms", [11 * MINUTE_MS, -11 * MINUTE_MS, 10**12, -(10**12)])
async def test_aigame_refuses_stale_and_future_requests_on_every_endpoint(core: CoreHandle, offset_ms: int) -> None:
    async with running_aigame(core) as aigame:
        user = await aigame.player("100.00")
        vendor, stamp = aigame.vendor, now_ms() + offset_ms
        assert await aigame.code("bet", vendor.bet(user, "placed", "1.00")) == 200

        def at(params: dict[str, Any]) -> dict[str, Any]:
            fields = {k: v for k, v in params.items() if k not in ("sign", "agent_id", "timestamp")}
            return vendor.signed(fields, timestamp=stamp)

        for endpoint, body in (
            ("balance", vendor.balance(user)),
            ("bet", vendor.bet(user, "late", "1.00")),
            ("payout", vendor.payout(user, "placed", "5.00")),
            ("refund", vendor.refund(user, "placed", "1.00")),
        ):
            assert await aigame.code(endpoint, at(body)) == 408000, endpoint
        assert (await aigame.detail(vendor.detail("placed", timestamp=stamp)))["code"] == 408000
        assert await aigame.balance_of(user) == Decimal("99.00")


@pytest.mark.parametrize("offset_ms", [9 * MINUTE_MS, -9 * MINUTE_MS])
async def test_aigame_takes_requests_inside_its_window(core: CoreHandle, offset_ms: int) -> None:
    async with running_aigame(core) as aigame:
        user = await aigame.player("100.00")
        bet = aigame.vendor.bet(user, "in-window", "1.00")
        fields = {k: v for k, v in bet.items() if k not in ("sign", "agent_id", "timestamp")}
        assert await aigame.code("bet", aigame.vendor.signed(fields, timestamp=now_ms() + offset_ms)) == 200


async def test_a_replayed_aigame_request_moves_money_once(core: CoreHandle) -> None:
    async with running_aigame(core) as aigame:
        user = await aigame.player("100.00")
        vendor = aigame.vendor
        for endpoint, body, balance in (
            ("bet", vendor.bet(user, "r1", "10.00"), "90.00"),
            ("payout", vendor.payout(user, "r1", "19.50"), "109.50"),
            ("refund", vendor.refund(user, "r1", "10.00", status=1, win_amount="19.50"), "100.00"),
        ):
            first = await aigame.post(endpoint, body)
            again = await asyncio.gather(*(aigame.post(endpoint, body) for _ in range(REPEATS)))
            assert first["data"]["balance"] == balance
            assert all(answer == first for answer in again), (endpoint, again)
            assert await aigame.balance_of(user) == Decimal(balance)


# --- HRG ---------------------------------------------------------------------------------------------


def _hrg_ts(seconds: int) -> str:
    return hrg_time(datetime.now(GMT8) + timedelta(seconds=seconds))


@pytest.mark.parametrize(
    "seconds, code", [(-360, "1001"), (360, "1001"), (-86_400, "1001"), (-240, "0000"), (240, "0000")]
)
async def test_hrg_place_bet_is_refused_outside_its_window(core: CoreHandle, seconds: int, code: str) -> None:
    async with running_hrg(core) as hrg:
        user = await hrg.player("100.00")
        body = {**hrg.vendor.place_bet(user, "TX-window", "1.00"), "ts": _hrg_ts(seconds)}
        assert await hrg.code("place_bet", body) == code
        assert await hrg.balance_of(user) == (99 if code == "0000" else 100)


async def test_hrg_retried_actions_are_never_refused_for_their_age(core: CoreHandle) -> None:
    # hrg.md: HRG re-sends cancel_bet and settle for hours; refusing them would strand a refund or a win.
    async with running_hrg(core) as hrg:
        user, vendor, old = await hrg.player("100.00"), hrg.vendor, _hrg_ts(-3 * 3600)
        for tx, action in (("TX-old-settle", "settle"), ("TX-old-cancel", "cancel_bet")):
            assert await hrg.code("place_bet", vendor.place_bet(user, tx, "10.00")) == "0000"
            body = vendor.settle(user, tx, "10.00", "19.50") if action == "settle" else vendor.cancel_bet(user, tx)
            assert await hrg.code(action, {**body, "ts": old}) == "0000"
        promotion = vendor.event_settle(vendor.promotion("S-old", user, "1.00"))
        assert await hrg.code("event_settle", {**promotion, "ts": old}) == "0000"
        assert await hrg.balance_of(user) == Decimal("110.50")


async def test_a_replayed_hrg_request_moves_money_once(core: CoreHandle) -> None:
    async with running_hrg(core) as hrg:
        user, vendor = await hrg.player("100.00"), hrg.vendor
        for action, body, balance in (
            ("place_bet", vendor.place_bet(user, "TX-replay", "10.00"), "90.00"),
            ("settle", vendor.settle(user, "TX-replay", "10.00", "19.50"), "109.50"),
            ("event_settle", vendor.event_settle(vendor.promotion("S-r", user, "0.50")), "110.00"),
        ):
            first = await hrg.send(action, body)
            again = await asyncio.gather(*(hrg.send(action, body) for _ in range(REPEATS)))
            assert all(answer == first for answer in again), (action, first, again)
            assert await hrg.balance_of(user) == Decimal(balance)


# --- SUD ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("offset_ms", [11 * MINUTE_MS, -11 * MINUTE_MS, -86_400_000])
async def test_sud_refuses_stale_and_future_signatures(core: CoreHandle, offset_ms: int) -> None:
    async with running_sud(core) as sud:
        user = await sud.player("100.00")
        await sud.buy_in(user, "out-stale", "1.00")
        stamp = str(now_ms() + offset_ms)
        for path, body in (
            (NOTIFY, sud.vendor.settle([human(user, new_id(), "out-stale", 500)])),
            (UPDATE_SCORE, sud.vendor.update_score(user, new_id(), 100, 2)),
        ):
            raw = _raw(body)
            answer = await sud.send(path, raw, sud.vendor.headers(raw, timestamp=stamp))
            assert answer["ret_code"] == 1005, path
        assert await sud.balance_of(user) == Decimal("99.00")


async def test_a_replayed_sud_notification_credits_once(core: CoreHandle) -> None:
    async with running_sud(core) as sud:
        user = await sud.player("100.00")
        await sud.buy_in(user, "out-replay", "10.00")
        order_id = new_id()
        raw = _raw(sud.vendor.settle([human(user, order_id, "out-replay", 1500)]))
        captured = sud.vendor.headers(raw)  # the very request, headers and all, replayed
        answers = await asyncio.gather(*(sud.notify(raw, captured) for _ in range(REPEATS)))
        assert {answer["ret_code"] for answer in answers} == {0}
        # SUD re-sends under a new notify_id: deduplicated by its order ids, not by a notify_id cache.
        resent = _raw(sud.vendor.settle([human(user, order_id, "out-replay", 1500)]))
        assert (await sud.notify(resent))["ret_code"] == 0
        assert await sud.balance_of(user) == Decimal("105.00")


async def test_a_replayed_update_score_moves_money_once(core: CoreHandle) -> None:
    async with running_sud(core) as sud:
        user = await sud.player("100.00")
        raw = _raw(sud.vendor.update_score(user, new_id(), 1000, 1))
        captured = sud.vendor.headers(raw)
        first = await sud.update_score(raw, captured)
        again = await asyncio.gather(*(sud.update_score(raw, captured) for _ in range(REPEATS)))
        assert first == {"ret_code": 0, "ret_msg": "SUCCESS", "data": {"score": 9000}}
        assert {answer["ret_code"] for answer in again} == {9001}  # sud.md: a repeated order id (provisional)
        assert await sud.balance_of(user) == Decimal("90.00")
