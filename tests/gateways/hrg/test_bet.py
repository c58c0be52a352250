"""place_bet end to end: HTTP -> gateway -> real core, on each store."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from gateways.hrg.times import format_timestamp
from gateways.kit.details import from_struct
from tests.gateways.hrg.conftest import HRG, new_id, running_hrg, stored_raw_request, transaction
from tests.gateways.hrg.vendor import GMT8, hrg_time
from tests.gateways.kit.scripted_core import dead_address
from tests.support.core import CoreHandle
from wallet.v1 import wallet_pb2

DEBIT = wallet_pb2.TRANSACTION_KIND_DEBIT


async def test_a_bet_takes_the_stake_and_answers_the_balance_after_it(hrg: HRG) -> None:
    user, tx = await hrg.player("100.00"), new_id()
    answer = await hrg.send("place_bet", hrg.vendor.place_bet(user, tx, "10.0"))
    assert answer["code"] == "0000"
    assert answer["balance"] == "90.00"
    assert await hrg.balance_of(user) == Decimal("90.00")
    recorded = await transaction(hrg.core, tx, DEBIT)
    assert answer["balanceTs"] == format_timestamp(recorded.transaction.created_at)


async def test_a_repeated_bet_answers_the_original_result_and_takes_nothing(hrg: HRG) -> None:
    user, tx = await hrg.player("100.00"), new_id()
    body = hrg.vendor.place_bet(user, tx, "10.00")
    first = await hrg.send("place_bet", body)
    await hrg.send("place_bet", hrg.vendor.place_bet(user, new_id(), "5.00"))
    again = await hrg.send("place_bet", {**body, "ts": hrg_time()})
    assert again == first
    assert await hrg.balance_of(user) == Decimal("85.00")


async def test_the_bet_s_facts_are_kept_with_it(hrg: HRG) -> None:
    user, tx = await hrg.player(), new_id()
    bet_time = hrg_time(datetime.now(GMT8) - timedelta(seconds=2))
    body = hrg.vendor.place_bet(user, tx, "10.00", betTime=bet_time)
    await hrg.send("place_bet", body)
    recorded = (await transaction(hrg.core, tx, DEBIT)).transaction
    assert (recorded.player_id, recorded.currency, recorded.amount) == (f"hrg-{user}", "USD", "10.00")
    assert (recorded.round_id, recorded.table_id, recorded.game_id) == (body["roundId"], "T01", "BACCARAT")
    # what the typed fields hold is not stored twice; the time keeps its offset as sent
    typed = ("userId", "txId", "betAmount", "roundId", "tableId", "gameCode")
    assert from_struct(recorded.details) == {k: v for k, v in body.items() if k not in typed}
    assert {"ts", "betTime", "gameType"} <= from_struct(recorded.details).keys()
    assert await stored_raw_request(hrg.core, tx, "debit") == json.dumps(body)
    assert format_timestamp(recorded.event_time) == bet_time


async def test_not_enough_balance_is_8001_and_stays_so(hrg: HRG) -> None:
    user, tx = await hrg.player("5.00"), new_id()
    body = hrg.vendor.place_bet(user, tx, "10.00")
    assert await hrg.send("place_bet", body) == {"code": "8001", "desc": "bet failed", "msg": "bet failed"}
    assert (await hrg.send("place_bet", body))["code"] == "8001"
    assert await hrg.balance_of(user) == Decimal("5.00")


async def test_a_decided_refusal_is_not_retried_into_a_bet(hrg: HRG) -> None:
    user, tx = await hrg.player("5.00"), new_id()
    body = hrg.vendor.place_bet(user, tx, "10.00")
    assert (await hrg.send("place_bet", body))["code"] == "8001"
    # Money arrives (a win on another bet): the refused txId stays refused.
    other = new_id()
    await hrg.send("place_bet", hrg.vendor.place_bet(user, other, "5.00"))
    await hrg.send("settle", hrg.vendor.settle(user, other, "5.00", "50.00"))
    assert (await hrg.send("place_bet", body))["code"] == "8001"
    assert await hrg.balance_of(user) == Decimal("50.00")


async def test_a_bet_for_an_unknown_user_is_cancelled_by_hrg_and_stays_refused(hrg: HRG) -> None:
    user, tx = "nobody", new_id()
    assert (await hrg.send("place_bet", hrg.vendor.place_bet(user, tx, "10.00")))["code"] == "1000"
    # Not "8001": HRG cancels, and the cancel leaves a tombstone.
    assert (await hrg.send("cancel_bet", hrg.vendor.cancel_bet(user, tx)))["code"] == "0000"
    await hrg.core.open_account(f"hrg-{user}", "USD", "100.00")
    assert (await hrg.send("place_bet", hrg.vendor.place_bet(user, tx, "10.00")))["code"] == "8001"
    assert await hrg.balance_of(user) == Decimal("100.00")


async def test_a_txid_reused_for_another_amount_is_not_8001_and_is_logged(
    hrg: HRG, caplog: pytest.LogCaptureFixture
) -> None:
    user, tx = await hrg.player(), new_id()
    await hrg.send("place_bet", hrg.vendor.place_bet(user, tx, "10.00"))
    with caplog.at_level(logging.WARNING, logger="gateways.hrg.review"):
        answer = await hrg.send("place_bet", hrg.vendor.place_bet(user, tx, "20.00"))
    assert answer["code"] == "9999"
    assert any(r.name == "gateways.hrg.review" and r.__dict__.get("transaction_id") == tx for r in caplog.records)
    assert await hrg.balance_of(user) == Decimal("90.00")
    # HRG cancels that txId: the original stake comes back.
    assert (await hrg.send("cancel_bet", hrg.vendor.cancel_bet(user, tx)))["code"] == "0000"
    assert await hrg.balance_of(user) == Decimal("100.00")


@pytest.mark.parametrize("age", [timedelta(minutes=6), timedelta(minutes=-6), timedelta(days=400)])
async def test_a_place_bet_outside_the_window_is_refused_and_records_nothing(hrg: HRG, age: timedelta) -> None:
    user, tx = await hrg.player(), new_id()
    old = hrg_time(datetime.now(GMT8) - age)
    assert (await hrg.send("place_bet", hrg.vendor.place_bet(user, tx, "10.00", ts=old)))["code"] == "1001"
    assert (await hrg.send("place_bet", hrg.vendor.place_bet(user, tx, "10.00")))["code"] == "0000"
    assert await hrg.balance_of(user) == Decimal("90.00")


async def test_more_decimals_than_the_currency_is_refused_and_records_nothing(hrg: HRG) -> None:
    user, tx = await hrg.player(), new_id()
    answer = await hrg.send("place_bet", hrg.vendor.place_bet(user, tx, "10.001"))
    assert answer["code"] == "1001"
    assert (await hrg.send("place_bet", hrg.vendor.place_bet(user, tx, "10.0010")))["code"] == "1001"
    assert (await hrg.send("place_bet", hrg.vendor.place_bet(user, tx, "10.0000")))["code"] == "0000"
    assert await hrg.balance_of(user) == Decimal("90.00")


async def test_an_unreachable_core_is_not_8001_so_hrg_cancels(core: CoreHandle) -> None:
    async with running_hrg(core, address=await dead_address(), deadline_seconds=0.3) as hrg:
        answer = await hrg.send("place_bet", hrg.vendor.place_bet("u1", new_id(), "10.00"))
    assert answer == {"code": "9999", "desc": "error", "msg": "error"}


async def test_a_bet_without_its_description_takes_the_stake_once(hrg: HRG) -> None:
    """Only ts, userId, txId and betAmount are required: a bet's round, table, game and betTime are
    description (kept when sent, as the settle's are)."""
    user, tx = await hrg.player("100.00"), new_id()
    body = {"ts": hrg_time(), "userId": user, "txId": tx, "betAmount": "10.00"}
    first = await hrg.send("place_bet", body)
    assert (first["code"], first["balance"]) == ("0000", "90.00")
    assert await hrg.send("place_bet", body) == first
    recorded = (await transaction(hrg.core, tx, DEBIT)).transaction
    assert (from_struct(recorded.details), recorded.round_id, recorded.table_id) == ({"ts": body["ts"]}, "", "")
    assert recorded.event_time.ToMilliseconds() // 1000 == int(
        datetime.strptime(body["ts"], "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()
    )


@pytest.mark.parametrize("shape", ["%Y-%m-%dT%H:%M:%S+0800", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S+08:00"])
async def test_a_bet_s_ts_is_read_in_other_shapes_and_still_checked_for_age(hrg: HRG, shape: str) -> None:
    user = await hrg.player("100.00")
    fresh = datetime.now(GMT8).strftime(shape)
    stale = (datetime.now(GMT8) - timedelta(hours=1)).strftime(shape)
    assert (await hrg.send("place_bet", hrg.vendor.place_bet(user, new_id(), "10.00", ts=fresh)))["code"] == "0000"
    assert (await hrg.send("place_bet", hrg.vendor.place_bet(user, new_id(), "10.00", ts=stale)))["code"] == "1001"
    assert await hrg.balance_of(user) == Decimal("90.00")


async def test_a_bet_past_the_players_daily_loss_limit_is_8001_and_a_win_makes_room(hrg: HRG) -> None:
    user, lost, refused = await hrg.player("100.00"), new_id(), new_id()
    await hrg.core.set_limits(hrg.settings.players.to_wallet(user), "USD", max_daily_loss="15")
    assert (await hrg.send("place_bet", hrg.vendor.place_bet(user, lost, "10.00")))["code"] == "0000"
    assert (await hrg.send("place_bet", hrg.vendor.place_bet(user, refused, "10.00")))["code"] == "8001"
    assert (await hrg.send("settle", hrg.vendor.settle(user, lost, "10.00", "5.00")))["code"] == "0000"
    assert (await hrg.send("place_bet", hrg.vendor.place_bet(user, new_id(), "10.00")))["code"] == "0000"
    assert await hrg.balance_of(user) == Decimal("85.00")


async def test_a_blocked_players_bet_is_8001_and_a_placed_bet_still_settles_and_cancels(hrg: HRG) -> None:
    user, settled, cancelled, refused = await hrg.player("100.00"), new_id(), new_id(), new_id()
    for tx in (settled, cancelled):
        assert (await hrg.send("place_bet", hrg.vendor.place_bet(user, tx, "10.00")))["code"] == "0000"
    await hrg.core.set_blocked(hrg.settings.players.to_wallet(user), True)
    body = hrg.vendor.place_bet(user, refused, "10.00")
    assert (await hrg.send("place_bet", body))["code"] == "8001"
    assert (await hrg.send("place_bet", body))["code"] == "8001"  # recorded: HRG sends no cancel
    assert (await hrg.send("settle", hrg.vendor.settle(user, settled, "10.00", "19.50")))["code"] == "0000"
    assert (await hrg.send("cancel_bet", hrg.vendor.cancel_bet(user, cancelled)))["code"] == "0000"
    assert await hrg.balance_of(user) == Decimal("109.50")
