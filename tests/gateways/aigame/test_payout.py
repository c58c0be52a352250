"""POST /aigame/v1/wallet/payout (seed 000), end to end on each store."""

import logging
from decimal import Decimal
from typing import Any

import pytest

from gateways.kit.details import from_struct
from tests.gateways.aigame.conftest import AIGame, new_id
from tests.gateways.aigame.vendor import AGENT_ID, SECRET, now_ms, vendor_sign
from tests.wallet_core.helpers import decide_hold
from wallet.v1 import wallet_pb2 as pb


async def placed(aigame: AIGame, balance: str = "100.00", stake: str = "10") -> tuple[str, str]:
    user = await aigame.player(balance)
    bet = new_id()
    assert await aigame.code("bet", aigame.vendor.bet(user, bet, stake)) == 200
    return user, bet


async def test_a_payout_credits_the_gross_win(aigame: AIGame) -> None:
    user, bet = await placed(aigame)
    body = aigame.vendor.payout(user, bet, "19.50", game_result=["Banker"], open_cards={"banker": "Diamonds9"})
    assert await aigame.post("payout", body) == {
        "code": 200,
        "message": "success",
        "data": {"balance": "109.50", "currency": "USD"},
    }
    stored = await aigame.stored(bet, pb.TRANSACTION_KIND_CREDIT)
    assert (stored.transaction.reference_transaction_id, stored.transaction.amount) == (bet, "19.50")
    assert stored.transaction.event_time.ToMilliseconds() == body["pay_out_time"]
    told = from_struct(stored.transaction.details)
    assert (told["open_cards"], told["game_result"], told["shoe_id"]) == ({"banker": "Diamonds9"}, ["Banker"], 10231)
    assert not {
        "sign",
        "agent_id",
        "timestamp",
        "user_id",
        "bet_txn_id",
        "win_amount",
        "pay_out_time",
        "round_id",
    } & set(told)
    assert stored.transaction.bet.state == pb.BET_STATE_SETTLED


async def test_a_zero_payout_settles_a_lost_bet(aigame: AIGame) -> None:
    user, bet = await placed(aigame)
    assert (await aigame.post("payout", aigame.vendor.payout(user, bet, "0")))["data"]["balance"] == "90.00"
    assert (await aigame.stored(bet)).transaction.bet.state == pb.BET_STATE_SETTLED


async def test_a_repeated_payout_answers_the_original_result_and_pays_once(aigame: AIGame) -> None:
    user, bet = await placed(aigame)
    assert (await aigame.post("payout", aigame.vendor.payout(user, bet, "19.50")))["data"]["balance"] == "109.50"
    assert await aigame.code("bet", aigame.vendor.bet(user, new_id(), "9.50")) == 200
    for _ in range(3):  # AIGame re-sends every minute until acknowledged
        again = await aigame.post("payout", aigame.vendor.payout(user, bet, "19.50"))
        assert (again["code"], again["data"]["balance"]) == (200, "109.50")
    assert await aigame.balance_of(user) == Decimal("100.00")


async def test_a_second_payout_with_another_amount_is_never_paid(
    aigame: AIGame, caplog: pytest.LogCaptureFixture
) -> None:
    user, bet = await placed(aigame)
    assert await aigame.code("payout", aigame.vendor.payout(user, bet, "19.50")) == 200
    with caplog.at_level(logging.WARNING, logger="gateways.aigame.review"):
        assert await aigame.code("payout", aigame.vendor.payout(user, bet, "29.50")) == 800109
    assert await aigame.balance_of(user) == Decimal("109.50")
    (review,) = caplog.records
    assert (review.__dict__["bet_txn_id"], review.__dict__["win_amount"]) == (bet, "29.50")
    assert "review" in review.getMessage()


async def test_a_payout_for_an_unknown_bet_is_800107_and_succeeds_once_the_bet_arrives(aigame: AIGame) -> None:
    user = await aigame.player("100.00")
    bet = new_id()
    assert await aigame.code("payout", aigame.vendor.payout(user, bet, "19.50")) == 800107
    assert await aigame.balance_of(user) == Decimal("100.00")
    assert await aigame.code("bet", aigame.vendor.bet(user, bet, "10")) == 200
    assert await aigame.code("payout", aigame.vendor.payout(user, bet, "19.50")) == 200
    assert await aigame.balance_of(user) == Decimal("109.50")


async def test_a_payout_for_a_cancelled_bet_is_800109(aigame: AIGame) -> None:
    user, bet = await placed(aigame)
    assert await aigame.code("refund", aigame.vendor.refund(user, bet, "10")) == 200
    assert await aigame.code("payout", aigame.vendor.payout(user, bet, "19.50")) == 800109
    assert await aigame.balance_of(user) == Decimal("100.00")


async def test_a_payout_naming_another_player_is_800109(aigame: AIGame) -> None:
    user, bet = await placed(aigame)
    other = await aigame.player("0.00")
    assert await aigame.code("payout", aigame.vendor.payout(other, bet, "19.50")) == 800109
    assert await aigame.balance_of(other) == Decimal("0.00")
    assert await aigame.balance_of(user) == Decimal("90.00")


async def test_a_payout_in_another_currency_than_its_bet_is_800102(aigame: AIGame) -> None:
    user, bet = await placed(aigame)
    await aigame.core.open_account(aigame.settings.players.to_wallet(user), "BRL", "0")
    assert await aigame.code("payout", aigame.vendor.payout(user, bet, "19.50", currency="BRL")) == 800102
    assert await aigame.balance_of(user, "BRL") == Decimal("0.00")


async def test_a_payout_with_only_its_money_fields_is_paid_at_its_receipt_time(aigame: AIGame) -> None:
    # One published version of the payout page has no inst_id, shoe_id or round_id (it was 408000).
    user, bet = await placed(aigame)
    answer = await aigame.post("payout", aigame.vendor.bare_payout(user, bet, "19.50"))
    assert (answer["code"], answer["data"]["balance"]) == (200, "109.50")
    stored = (await aigame.stored(bet, pb.TRANSACTION_KIND_CREDIT)).transaction
    assert (stored.round_id, stored.game_id, stored.table_id) == ("", "", "")
    assert not stored.HasField("event_time") or stored.event_time.ToMilliseconds() == 0
    assert from_struct(stored.details) == {"currency": "USD"}
    assert stored.bet.state == pb.BET_STATE_SETTLED


async def test_odd_descriptive_values_are_kept_as_sent_and_the_payout_is_paid(aigame: AIGame) -> None:
    user, bet = await placed(aigame)
    odd: dict[str, Any] = {
        "shoe_id": "A-12",
        "round_id": {"shoe": 1, "hand": 41},
        "pay_out_time": "2024-11-26 10:45:21",
        "inst_id": "t" * 200,
        "game_id": 101,
    }
    body = aigame.vendor.payout(user, bet, "19.50", **odd)
    assert await aigame.code("payout", body) == 200
    assert await aigame.balance_of(user) == Decimal("109.50")
    stored = (await aigame.stored(bet, pb.TRANSACTION_KIND_CREDIT)).transaction
    told = from_struct(stored.details)
    assert {name: told[name] for name in ("shoe_id", "round_id", "pay_out_time", "inst_id")} == {
        name: odd[name] for name in ("shoe_id", "round_id", "pay_out_time", "inst_id")
    }
    assert (stored.game_id, stored.round_id, stored.table_id) == ("101", "", "")


async def test_times_and_integers_sent_as_strings_are_read(aigame: AIGame) -> None:
    user, bet = await placed(aigame)
    params = {
        "agent_id": AGENT_ID,
        "user_id": user,
        "game_id": "101",
        "inst_id": "000002",
        "shoe_id": "10231",
        "round_id": "41",
        "bet_txn_id": bet,
        "win_amount": "19.50",
        "pay_out_time": "2024-11-26T10:45:21+08:00",
        "currency": "USD",
        "timestamp": str(now_ms()),
    }
    params["sign"] = vendor_sign(params, SECRET)  # over the values as sent: "10231" signs as 10231 would
    assert await aigame.code("payout", params) == 200
    stored = (await aigame.stored(bet, pb.TRANSACTION_KIND_CREDIT)).transaction
    assert (stored.round_id, stored.event_time.ToMilliseconds()) == ("41", 1732589121000)
    assert from_struct(stored.details)["shoe_id"] == "10231"


async def test_a_bad_money_field_is_still_408000_and_moves_nothing(aigame: AIGame) -> None:
    user, bet = await placed(aigame)
    vendor = aigame.vendor
    for spoilt in (
        vendor.signed({"user_id": user, "bet_txn_id": bet, "win_amount": 19.5, "currency": "USD"}),
        vendor.signed({"user_id": user, "bet_txn_id": bet, "win_amount": "19,50", "currency": "USD"}),
        vendor.signed({"user_id": user, "bet_txn_id": bet, "currency": "USD"}),
        vendor.signed({"bet_txn_id": bet, "win_amount": "19.50", "currency": "USD"}),
        vendor.signed({"user_id": user, "win_amount": "19.50", "currency": "USD"}),
        vendor.signed({"user_id": user, "bet_txn_id": bet, "win_amount": "19.50"}),
    ):
        assert await aigame.code("payout", spoilt) == 408000, spoilt
    assert await aigame.balance_of(user) == Decimal("90.00")


async def test_a_payout_past_100_times_the_stake_is_held_then_paid_once_approved(aigame: AIGame) -> None:
    user, bet = await placed(aigame, stake="1")
    body = aigame.vendor.payout(user, bet, "100.01")
    assert await aigame.code("payout", body) == 800109  # "payout failure": AIGame re-sends every minute
    assert await aigame.balance_of(user) == Decimal("99.00")
    await decide_hold(aigame.core, None, approve=True)
    assert (await aigame.post("payout", body))["data"] == {"balance": "199.01", "currency": "USD"}


async def test_a_rejected_payout_stays_a_payout_failure(aigame: AIGame) -> None:
    user, bet = await placed(aigame, stake="1")
    body = aigame.vendor.payout(user, bet, "500")
    assert await aigame.code("payout", body) == 800109
    await decide_hold(aigame.core, None, approve=False, reason="suspicious")
    assert await aigame.code("payout", body) == 800109
    assert await aigame.balance_of(user) == Decimal("99.00")
