from collections.abc import Callable

import pytest

from gateways.aigame.provisional import Provisional
from gateways.aigame.requests import (
    PAYOUT_TYPED_FIELDS,
    REFUND_TYPED_FIELDS,
    BetRequest,
    PayoutRequest,
    RefundRequest,
    balance_request,
    bet_request,
    detail_request,
    payout_request,
    refund_request,
)
from gateways.kit.jsonbody import JsonObject, JsonValue
from gateways.kit.refusals import GatewayReason, Refusal
from tests.gateways.aigame.test_signature import SEED_PAYOUT

BET: JsonObject = {
    "user_id": "testUid03",
    "game_id": "101",
    "inst_id": "000002",
    "shoe_id": 10231,
    "round_id": 41,
    "bet_txn_id": "67453d0c23c36d2571d40817",
    "bet_amount": "10",
    "bet_time": 1732589100000,
    "currency": "VND2",
    "bet_detail": {"Banker": 10},
}
REFUND: JsonObject = {
    "user_id": "testUid03",
    "game_id": "101",
    "bet_txn_id": "b1",
    "bet_amount": "100",
    "win_amount": "195",
    "status": 1,
    "bet_time": 1732589121000,
    "refund_time": 1732589849000,
    "currency": "BRL",
}


def test_seed_000_is_a_payout() -> None:
    assert payout_request(SEED_PAYOUT) == PayoutRequest(
        user_id="testUid03",
        currency="VND2",
        bet_txn_id="67453d0c23c36d2571d40817",
        win_amount="100",
        pay_out_time=1732589121000,
        game_id="101",
        inst_id="000002",
        round_id="41",
        typed=PAYOUT_TYPED_FIELDS,
    )


MONEY_OF_A_PAYOUT = ("agent_id", "user_id", "bet_txn_id", "win_amount", "currency", "timestamp", "sign")


def test_a_payout_needs_only_its_money_fields() -> None:
    bare = {name: SEED_PAYOUT[name] for name in MONEY_OF_A_PAYOUT}
    assert payout_request(bare) == PayoutRequest(
        user_id="testUid03",
        currency="VND2",
        bet_txn_id="67453d0c23c36d2571d40817",
        win_amount="100",
        pay_out_time=None,
        game_id="",
        inst_id="",
        round_id="",
        typed=PAYOUT_TYPED_FIELDS - {"pay_out_time", "game_id", "inst_id", "round_id"},
    )


def test_a_payout_without_table_shoe_and_round_is_read_as_the_other_page_version_shows_it() -> None:
    other_version = {k: v for k, v in SEED_PAYOUT.items() if k not in ("inst_id", "shoe_id", "round_id")}
    asked = payout_request(other_version)
    assert (asked.game_id, asked.inst_id, asked.round_id, asked.pay_out_time) == ("101", "", "", 1732589121000)


def test_integers_sent_as_strings_are_read_as_their_integers() -> None:
    asked = payout_request({**SEED_PAYOUT, "shoe_id": "10231", "round_id": "41", "pay_out_time": "1732589121000"})
    assert (asked.round_id, asked.pay_out_time, asked.typed) == ("41", 1732589121000, PAYOUT_TYPED_FIELDS)


@pytest.mark.parametrize(
    ("field", "odd"),
    [
        ("round_id", {"shoe": 1}),
        ("round_id", "r" * 129),
        ("round_id", True),
        ("game_id", ["101"]),
        ("inst_id", "tab\x00le"),
        ("pay_out_time", "yesterday"),
        ("pay_out_time", -1),
        ("pay_out_time", 10**40),
        ("pay_out_time", "2024-11-26 10:45:21"),
    ],
)
def test_an_odd_descriptive_value_of_a_payout_is_left_as_sent_and_never_refused(field: str, odd: JsonValue) -> None:
    asked = payout_request({**SEED_PAYOUT, field: odd})
    assert field not in asked.typed  # so it stays in `details`, as sent
    assert asked.win_amount == "100"


def test_a_bet_has_the_provisional_shape() -> None:
    assert bet_request(BET, Provisional()) == BetRequest(
        user_id="testUid03",
        currency="VND2",
        bet_txn_id="67453d0c23c36d2571d40817",
        bet_amount="10",
        bet_time=1732589100000,
        game_id="101",
        inst_id="000002",
        round_id="41",
    )


def test_the_bet_field_names_follow_the_provisional_table() -> None:
    renamed: JsonObject = {"user_id": "u", "currency": "USD", "txn": "t1", "amount": "5", "detail": {"Tie": 5}}
    provisional = Provisional(bet_txn_id_field="txn", bet_amount_field="amount", bet_detail_field="detail")
    asked = bet_request(renamed, provisional)
    assert (asked.bet_txn_id, asked.bet_amount, asked.round_id) == ("t1", "5", "")


def test_a_refund_says_whether_the_bet_was_settled() -> None:
    assert refund_request(REFUND) == RefundRequest(
        user_id="testUid03",
        currency="BRL",
        bet_txn_id="b1",
        bet_amount="100",
        settled=True,
        win_amount="195",
        refund_time=1732589849000,
        game_id="101",
        typed=REFUND_TYPED_FIELDS,
    )
    assert not refund_request({**REFUND, "status": 0}).settled


def test_a_refund_needs_only_what_names_the_money() -> None:
    minimal: JsonObject = {"user_id": "u", "bet_txn_id": "b1", "bet_amount": "1", "status": 0, "currency": "USD"}
    assert refund_request(minimal) == RefundRequest(
        "u", "USD", "b1", "1", False, None, None, "", REFUND_TYPED_FIELDS - {"refund_time", "game_id"}
    )


def test_a_refund_reads_its_status_and_times_sent_as_strings() -> None:
    asked = refund_request({**REFUND, "status": "1", "refund_time": "1732589849000", "bet_time": "1732589121000"})
    assert (asked.settled, asked.refund_time) == (True, 1732589849000)


@pytest.mark.parametrize(
    ("field", "odd"),
    [
        ("bet_time", "yesterday"),
        ("refund_time", {"at": 1}),
        ("game_id", 1.5),
        ("win_amount", "1,95"),
        ("win_amount", 195),
    ],
)
def test_an_odd_descriptive_value_of_a_refund_is_left_as_sent_and_never_refused(field: str, odd: JsonValue) -> None:
    asked = refund_request({**REFUND, field: odd})
    assert field not in asked.typed
    assert (asked.bet_amount, asked.settled) == ("100", True)
    assert asked.win_amount == (None if field == "win_amount" else "195")


def test_balance_and_detail_requests() -> None:
    assert balance_request({"user_id": "u", "currency": "USD"}).user_id == "u"
    assert detail_request({"txn_id": "67f8cdf7ab12bf8b5b606115"}).txn_id == "67f8cdf7ab12bf8b5b606115"


@pytest.mark.parametrize(
    ("parse", "params", "reason"),
    [
        ("payout", {**SEED_PAYOUT, "bet_txn_id": None}, GatewayReason.MALFORMED_REQUEST),
        ("payout", {**SEED_PAYOUT, "win_amount": 100}, GatewayReason.MALFORMED_REQUEST),
        ("payout", {**SEED_PAYOUT, "win_amount": "-100"}, GatewayReason.INVALID_AMOUNT),
        ("payout", {**SEED_PAYOUT, "user_id": 3}, GatewayReason.MALFORMED_REQUEST),
        ("payout", {**SEED_PAYOUT, "currency": ""}, GatewayReason.MALFORMED_REQUEST),
        # Description, not money: applied (they were refused before issue 21).
        ("payout", {**SEED_PAYOUT, "shoe_id": "x"}, None),
        ("payout", {**SEED_PAYOUT, "pay_out_time": None}, None),
        ("bet", {**BET, "bet_detail": ["Banker"]}, GatewayReason.MALFORMED_REQUEST),
        ("bet", {**BET, "bet_amount": "1e3"}, GatewayReason.INVALID_AMOUNT),
        ("bet", {**BET, "shoe_id": True}, GatewayReason.MALFORMED_REQUEST),
        ("refund", {**REFUND, "status": 2}, GatewayReason.MALFORMED_REQUEST),
        ("refund", {**REFUND, "status": None}, GatewayReason.MALFORMED_REQUEST),
        ("refund", {**REFUND, "status": "settled"}, GatewayReason.MALFORMED_REQUEST),
        ("refund", {**REFUND, "bet_amount": 100}, GatewayReason.MALFORMED_REQUEST),
        ("refund", {**REFUND, "status": "1"}, None),
        ("refund", {**REFUND, "bet_time": "yesterday"}, None),  # description: applied (refused before issue 21)
        ("balance", {"user_id": {"id": 1}, "currency": "USD"}, GatewayReason.MALFORMED_REQUEST),
        ("detail", {}, GatewayReason.MALFORMED_REQUEST),
    ],
)
def test_missing_or_mistyped_fields_are_refused(parse: str, params: JsonObject, reason: GatewayReason | None) -> None:
    def bet(params: JsonObject) -> object:
        return bet_request(params, Provisional())

    parsers: dict[str, Callable[[JsonObject], object]] = {
        "payout": payout_request,
        "refund": refund_request,
        "balance": balance_request,
        "detail": detail_request,
        "bet": bet,
    }
    if reason is None:
        parsers[parse](params)
        return
    with pytest.raises(Refusal) as refused:
        parsers[parse](params)
    assert refused.value.reason is reason
