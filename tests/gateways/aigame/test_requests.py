from collections.abc import Callable

import pytest

from gateways.aigame.provisional import Provisional
from gateways.aigame.requests import (
    BetRequest,
    PayoutRequest,
    RefundRequest,
    balance_request,
    bet_request,
    detail_request,
    payout_request,
    refund_request,
)
from gateways.kit.jsonbody import JsonObject
from gateways.kit.refusals import GatewayReason, Refusal
from tests.gateways.aigame.test_signature import SEED_PAYOUT

BET: JsonObject = {
    "user_id": "testUid03", "game_id": "101", "inst_id": "000002", "shoe_id": 10231, "round_id": 41,
    "bet_txn_id": "67453d0c23c36d2571d40817", "bet_amount": "10", "bet_time": 1732589100000, "currency": "VND2",
    "bet_detail": {"Banker": 10},
}
REFUND: JsonObject = {
    "user_id": "testUid03", "game_id": "101", "bet_txn_id": "b1", "bet_amount": "100", "win_amount": "195",
    "status": 1, "bet_time": 1, "refund_time": 2, "currency": "BRL",
}


def test_seed_000_is_a_payout() -> None:
    assert payout_request(SEED_PAYOUT) == PayoutRequest(
        user_id="testUid03", currency="VND2", bet_txn_id="67453d0c23c36d2571d40817", win_amount="100",
        pay_out_time=1732589121000, game_id="101", inst_id="000002", shoe_id=10231, round_id="41",
    )


def test_a_bet_has_the_provisional_shape() -> None:
    assert bet_request(BET, Provisional()) == BetRequest(
        user_id="testUid03", currency="VND2", bet_txn_id="67453d0c23c36d2571d40817", bet_amount="10",
        bet_time=1732589100000, game_id="101", inst_id="000002", round_id="41",
    )


def test_the_bet_field_names_follow_the_provisional_table() -> None:
    renamed: JsonObject = {"user_id": "u", "currency": "USD", "txn": "t1", "amount": "5", "detail": {"Tie": 5}}
    provisional = Provisional(bet_txn_id_field="txn", bet_amount_field="amount", bet_detail_field="detail")
    asked = bet_request(renamed, provisional)
    assert (asked.bet_txn_id, asked.bet_amount, asked.round_id) == ("t1", "5", "")


def test_a_refund_says_whether_the_bet_was_settled() -> None:
    assert refund_request(REFUND) == RefundRequest(
        user_id="testUid03", currency="BRL", bet_txn_id="b1", bet_amount="100", settled=True, win_amount="195",
        refund_time=2, game_id="101",
    )
    assert not refund_request({**REFUND, "status": 0}).settled


def test_a_refund_needs_only_what_names_the_money() -> None:
    minimal: JsonObject = {"user_id": "u", "bet_txn_id": "b1", "bet_amount": "1", "status": 0, "currency": "USD"}
    assert refund_request(minimal) == RefundRequest("u", "USD", "b1", "1", False, None, None, "")


def test_balance_and_detail_requests() -> None:
    assert balance_request({"user_id": "u", "currency": "USD"}).user_id == "u"
    assert detail_request({"txn_id": "67f8cdf7ab12bf8b5b606115"}).txn_id == "67f8cdf7ab12bf8b5b606115"


@pytest.mark.parametrize(
    ("parse", "params", "reason"),
    [
        ("payout", {**SEED_PAYOUT, "bet_txn_id": None}, GatewayReason.MALFORMED_REQUEST),
        ("payout", {**SEED_PAYOUT, "win_amount": 100}, GatewayReason.MALFORMED_REQUEST),
        ("payout", {**SEED_PAYOUT, "win_amount": "-100"}, GatewayReason.INVALID_AMOUNT),
        ("payout", {**SEED_PAYOUT, "shoe_id": "x"}, GatewayReason.MALFORMED_REQUEST),
        ("payout", {**SEED_PAYOUT, "pay_out_time": None}, GatewayReason.MALFORMED_REQUEST),
        ("bet", {**BET, "bet_detail": ["Banker"]}, GatewayReason.MALFORMED_REQUEST),
        ("bet", {**BET, "bet_amount": "1e3"}, GatewayReason.INVALID_AMOUNT),
        ("bet", {**BET, "shoe_id": True}, GatewayReason.MALFORMED_REQUEST),
        ("refund", {**REFUND, "status": 2}, GatewayReason.MALFORMED_REQUEST),
        ("refund", {**REFUND, "status": "1"}, None),
        ("refund", {**REFUND, "bet_time": "yesterday"}, GatewayReason.MALFORMED_REQUEST),
        ("balance", {"user_id": {"id": 1}, "currency": "USD"}, GatewayReason.MALFORMED_REQUEST),
        ("detail", {}, GatewayReason.MALFORMED_REQUEST),
    ],
)
def test_missing_or_mistyped_fields_are_refused(parse: str, params: JsonObject, reason: GatewayReason | None) -> None:
    def bet(params: JsonObject) -> object:
        return bet_request(params, Provisional())

    parsers: dict[str, Callable[[JsonObject], object]] = {
        "payout": payout_request, "refund": refund_request, "balance": balance_request, "detail": detail_request,
        "bet": bet,
    }
    if reason is None:
        parsers[parse](params)
        return
    with pytest.raises(Refusal) as refused:
        parsers[parse](params)
    assert refused.value.reason is reason
