"""POST /aigame/v1/wallet/refund, end to end on each store."""

import logging
from decimal import Decimal
from typing import Any

import pytest

from gateways.kit.details import from_struct
from tests.gateways.aigame.conftest import AIGame, new_id
from wallet.v1 import wallet_pb2 as pb


async def test_status_0_gives_the_stake_back(aigame: AIGame) -> None:
    user = await aigame.player("100.00")
    bet = new_id()
    await aigame.post("bet", aigame.vendor.bet(user, bet, "10"))
    answer = await aigame.post("refund", aigame.vendor.refund(user, bet, "10", status=0))
    assert answer == {"code": 200, "message": "success", "data": {"balance": "100.00", "currency": "USD"}}
    assert (await aigame.stored(bet)).transaction.bet.state == pb.BET_STATE_CANCELLED


async def test_status_1_reverses_the_payout_with_the_stake_in_one_transaction(aigame: AIGame) -> None:
    # aigame.md: bet 100, win 195 -> the player's balance moves by -95.
    user = await aigame.player("1000.00")
    bet = new_id()
    await aigame.post("bet", aigame.vendor.bet(user, bet, "100"))
    assert (await aigame.post("payout", aigame.vendor.payout(user, bet, "195")))["data"]["balance"] == "1095.00"
    answer = await aigame.post("refund", aigame.vendor.refund(user, bet, "100", status=1, win_amount="195"))
    assert answer["data"]["balance"] == "1000.00"
    assert await aigame.balance_of(user) == Decimal("1000.00")
    cancel = await aigame.stored(bet, pb.TRANSACTION_KIND_ROLLBACK)
    assert cancel.transaction.balance_change == "-95.00"


async def test_status_0_for_a_settled_bet_is_800108_and_moves_nothing(aigame: AIGame) -> None:
    user = await aigame.player("100.00")
    bet = new_id()
    await aigame.post("bet", aigame.vendor.bet(user, bet, "10"))
    await aigame.post("payout", aigame.vendor.payout(user, bet, "19.50"))
    assert await aigame.code("refund", aigame.vendor.refund(user, bet, "10", status=0)) == 800108
    assert await aigame.balance_of(user) == Decimal("109.50")


async def test_a_refund_whose_stake_differs_from_the_bet_is_800108(aigame: AIGame) -> None:
    user = await aigame.player("100.00")
    bet = new_id()
    await aigame.post("bet", aigame.vendor.bet(user, bet, "10"))
    assert await aigame.code("refund", aigame.vendor.refund(user, bet, "11")) == 800108
    assert await aigame.balance_of(user) == Decimal("90.00")


async def test_a_refund_for_an_unknown_bet_succeeds_with_the_balance_and_the_late_bet_is_refused(
    aigame: AIGame,
) -> None:
    user = await aigame.player("100.00")
    bet = new_id()
    answer = await aigame.post("refund", aigame.vendor.refund(user, bet, "10"))
    assert (answer["code"], answer["data"]["balance"]) == (200, "100.00")
    assert await aigame.code("bet", aigame.vendor.bet(user, bet, "10")) == 800106
    assert await aigame.balance_of(user) == Decimal("100.00")


async def test_a_repeated_refund_succeeds_and_gives_back_once(aigame: AIGame) -> None:
    user = await aigame.player("100.00")
    bet = new_id()
    await aigame.post("bet", aigame.vendor.bet(user, bet, "10"))
    for _ in range(3):
        assert (await aigame.post("refund", aigame.vendor.refund(user, bet, "10")))["data"]["balance"] == "100.00"
    assert await aigame.balance_of(user) == Decimal("100.00")


async def test_status_1_naming_another_win_takes_back_what_was_paid_and_asks_for_review(
    aigame: AIGame, caplog: pytest.LogCaptureFixture
) -> None:
    user = await aigame.player("100.00")
    bet = new_id()
    await aigame.post("bet", aigame.vendor.bet(user, bet, "10"))
    await aigame.post("payout", aigame.vendor.payout(user, bet, "19.50"))
    with caplog.at_level(logging.WARNING, logger="gateways.aigame.review"):
        answer = await aigame.post("refund", aigame.vendor.refund(user, bet, "10", status=1, win_amount="25"))
    assert answer["data"]["balance"] == "100.00"
    (review,) = caplog.records
    assert (review.__dict__["win_amount"], review.__dict__["paid"]) == ("25", "19.50")


async def test_status_1_for_a_bet_not_yet_paid_gives_the_stake_back(aigame: AIGame) -> None:
    user = await aigame.player("100.00")
    bet = new_id()
    await aigame.post("bet", aigame.vendor.bet(user, bet, "10"))
    answer = await aigame.post("refund", aigame.vendor.refund(user, bet, "10", status=1, win_amount="0"))
    assert (answer["code"], answer["data"]["balance"]) == (200, "100.00")


async def test_status_1_with_only_its_money_fields_reverses_the_payout(aigame: AIGame) -> None:
    user = await aigame.player("1000.00")
    bet = new_id()
    await aigame.post("bet", aigame.vendor.bet(user, bet, "100"))
    await aigame.post("payout", aigame.vendor.bare_payout(user, bet, "195"))
    answer = await aigame.post("refund", aigame.vendor.bare_refund(user, bet, "100", status=1))
    assert (answer["code"], answer["data"]["balance"]) == (200, "1000.00")
    cancel = (await aigame.stored(bet, pb.TRANSACTION_KIND_ROLLBACK)).transaction
    assert (cancel.balance_change, cancel.game_id) == ("-95.00", "")
    assert from_struct(cancel.details) == {"status": 1, "currency": "USD"}


async def test_odd_descriptive_values_of_a_refund_are_kept_as_sent_and_it_is_applied(aigame: AIGame) -> None:
    user = await aigame.player("100.00")
    bet = new_id()
    await aigame.post("bet", aigame.vendor.bet(user, bet, "10"))
    odd: dict[str, Any] = {
        "bet_time": "yesterday",
        "refund_time": "2024-11-26 10:57:29",
        "win_amount": 0,
        "game_id": ["101"],
    }
    assert await aigame.code("refund", aigame.vendor.refund(user, bet, "10", status="0", **odd)) == 200
    assert await aigame.balance_of(user) == Decimal("100.00")
    told = from_struct((await aigame.stored(bet, pb.TRANSACTION_KIND_ROLLBACK)).transaction.details)
    assert {name: told[name] for name in odd} == odd
    assert told["status"] == "0"


async def test_a_bad_money_field_of_a_refund_is_still_408000_and_moves_nothing(aigame: AIGame) -> None:
    user = await aigame.player("100.00")
    bet = new_id()
    await aigame.post("bet", aigame.vendor.bet(user, bet, "10"))
    vendor = aigame.vendor
    for spoilt in (
        vendor.bare_refund(user, bet, "10", status=2),
        vendor.signed({"user_id": user, "bet_txn_id": bet, "bet_amount": "10", "currency": "USD"}),  # no status
        vendor.signed({"user_id": user, "bet_txn_id": bet, "bet_amount": 10, "status": 0, "currency": "USD"}),
        vendor.signed({"user_id": user, "bet_txn_id": bet, "status": 0, "currency": "USD"}),
        vendor.signed({"user_id": user, "bet_txn_id": bet, "bet_amount": "10", "status": 0}),
    ):
        assert await aigame.code("refund", spoilt) == 408000, spoilt
    assert await aigame.balance_of(user) == Decimal("90.00")
