from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from gateways.hrg.requests import (
    balance_request,
    bet_request,
    cancel_request,
    event_settle_request,
    settle_request,
)
from gateways.kit.jsonbody import JsonObject, parse_json_object
from gateways.kit.refusals import GatewayReason, Refusal

SEED_001 = """{
"ts": "2022-10-14T23:00:00.000+0800",
"userId": "hrgpl0001",
"txId": "AAA-251916",
"betTime": "2022-10-14T22:59:59.920+0800",
"gameType": "LIVE",
"gameCode": "BACCARAT",
"betAmount": "10.0",
"validBetAmount": "10.0",
"winAmount": "0.0",
"roundStartTime": "2022-07-03T22:07:43.217+0800",
"odds": "-1.0",
"status": "LOSE",
"result": ["H03", "C01", "C01", "C05", "S05", "C06"],
"commission": "0.0",
"roundId": "R-1"
}"""

PLACE_BET: JsonObject = {
    "ts": "2022-10-14T22:59:59.950+0800", "gameType": "LIVE", "gameCode": "BACCARAT", "userId": "hrgpl0001",
    "roundId": "R-1", "txId": "AAA-251916", "tableId": "T01", "betTime": "2022-10-14T22:59:59.920+0800",
    "betAmount": "10.0", "category": "BANKER",
}
CANCEL_BET: JsonObject = {
    "ts": "2022-10-14T23:00:05.000+0800", "reason": "TIMEOUT", "userId": "hrgpl0001", "txId": "AAA-251916",
    "gameType": "LIVE", "gameCode": "BACCARAT",
}


def seed() -> JsonObject:
    return parse_json_object(SEED_001.encode())


def refused(parse: Any, params: Any) -> Refusal:
    with pytest.raises(Refusal) as caught:
        parse(params)
    return caught.value


def test_the_seed_settle_is_read_field_by_field() -> None:
    asked = settle_request(seed())
    assert (asked.user_id, asked.tx_id, asked.round_id) == ("hrgpl0001", "AAA-251916", "R-1")
    assert (asked.game_type, asked.game_code, asked.status, asked.odds) == ("LIVE", "BACCARAT", "LOSE", "-1.0")
    assert (asked.bet_amount, asked.valid_bet_amount, asked.win_amount, asked.commission) == (
        "10.0", "10.0", "0.0", "0.0"
    )
    assert asked.result == ("H03", "C01", "C01", "C05", "S05", "C06")
    assert asked.ts == datetime(2022, 10, 14, 15, 0, tzinfo=UTC)
    assert asked.bet_time == datetime(2022, 10, 14, 14, 59, 59, 920_000, UTC)
    assert asked.round_start_time == datetime(2022, 7, 3, 14, 7, 43, 217_000, UTC)
    assert asked.fee is None
    assert settle_request({**seed(), "fee": "0.05"}).fee == "0.05"


SETTLE_REQUIRED = ["ts", "userId", "txId", "roundId", "gameType", "gameCode", "betTime", "roundStartTime",
                   "betAmount", "validBetAmount", "winAmount", "odds", "status", "result", "commission"]


@pytest.mark.parametrize("name", SETTLE_REQUIRED)
def test_every_field_seed_001_requires_is_required(name: str) -> None:
    params = {key: value for key, value in seed().items() if key != name}
    assert refused(settle_request, params).reason is GatewayReason.MALFORMED_REQUEST


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("winAmount", "-10.0", GatewayReason.INVALID_AMOUNT),
        ("winAmount", "10.00001", GatewayReason.INVALID_AMOUNT),
        ("winAmount", 10, GatewayReason.MALFORMED_REQUEST),
        ("winAmount", Decimal("10.5"), GatewayReason.MALFORMED_REQUEST),
        ("betAmount", "1e1", GatewayReason.INVALID_AMOUNT),
        ("validBetAmount", "NaN", GatewayReason.INVALID_AMOUNT),
        ("commission", "-0.5", GatewayReason.INVALID_AMOUNT),
        ("fee", "0.123456", GatewayReason.INVALID_AMOUNT),
        ("fee", 1, GatewayReason.MALFORMED_REQUEST),
        ("odds", "x", GatewayReason.MALFORMED_REQUEST),
        ("ts", "2022-10-14T23:00:00.000Z", GatewayReason.MALFORMED_REQUEST),
        ("betTime", 1665759600000, GatewayReason.MALFORMED_REQUEST),
        ("roundStartTime", "2022-07-03", GatewayReason.MALFORMED_REQUEST),
        ("result", "H03,C01", GatewayReason.MALFORMED_REQUEST),
        ("result", ["H03", 1], GatewayReason.MALFORMED_REQUEST),
        ("status", ["WIN"], GatewayReason.MALFORMED_REQUEST),
        ("txId", 251916, GatewayReason.MALFORMED_REQUEST),
        ("txId", "x" * 129, GatewayReason.MALFORMED_REQUEST),
        ("userId", None, GatewayReason.MALFORMED_REQUEST),
    ],
)
def test_mistyped_settle_fields_are_refused(name: str, value: Any, reason: GatewayReason) -> None:
    assert refused(settle_request, {**seed(), name: value}).reason is reason


def test_place_bet_is_read_field_by_field() -> None:
    asked = bet_request(PLACE_BET)
    assert (asked.user_id, asked.tx_id, asked.bet_amount) == ("hrgpl0001", "AAA-251916", "10.0")
    assert (asked.round_id, asked.table_id, asked.game_type, asked.game_code) == ("R-1", "T01", "LIVE", "BACCARAT")
    assert asked.ts == datetime(2022, 10, 14, 14, 59, 59, 950_000, UTC)
    assert asked.bet_time == datetime(2022, 10, 14, 14, 59, 59, 920_000, UTC)


@pytest.mark.parametrize("name", ["ts", "userId", "txId", "betAmount", "betTime", "roundId", "tableId",
                                  "gameType", "gameCode"])
def test_place_bet_needs_its_money_ids_and_times(name: str) -> None:
    params = {key: value for key, value in PLACE_BET.items() if key != name}
    assert refused(bet_request, params).reason is GatewayReason.MALFORMED_REQUEST


def test_place_bet_category_is_optional_but_typed() -> None:
    bet_request({key: value for key, value in PLACE_BET.items() if key != "category"})
    assert refused(bet_request, {**PLACE_BET, "category": 3}).reason is GatewayReason.MALFORMED_REQUEST


def test_a_place_bet_amount_is_checked() -> None:
    assert refused(bet_request, {**PLACE_BET, "betAmount": "10.00005"}).reason is GatewayReason.INVALID_AMOUNT
    assert refused(bet_request, {**PLACE_BET, "betAmount": 10}).reason is GatewayReason.MALFORMED_REQUEST


def test_cancel_needs_only_who_which_bet_and_when() -> None:
    asked = cancel_request({"ts": CANCEL_BET["ts"], "userId": "hrgpl0001", "txId": "AAA-251916"})
    assert (asked.user_id, asked.tx_id, asked.round_id, asked.game_code) == ("hrgpl0001", "AAA-251916", "", "")
    assert cancel_request(CANCEL_BET).game_code == "BACCARAT"
    for name in ("ts", "userId", "txId"):
        params = {key: value for key, value in CANCEL_BET.items() if key != name}
        assert refused(cancel_request, params).reason is GatewayReason.MALFORMED_REQUEST
    assert refused(cancel_request, {**CANCEL_BET, "ts": "yesterday"}).reason is GatewayReason.MALFORMED_REQUEST


def test_a_cancel_is_not_refused_for_an_odd_description() -> None:
    asked = cancel_request({**CANCEL_BET, "reason": 5, "gameCode": ["BACCARAT"], "roundId": {"id": 1}})
    assert (asked.tx_id, asked.round_id, asked.game_code) == ("AAA-251916", "", "")


def test_balance_needs_a_user() -> None:
    assert balance_request({"userId": "hrgpl0001"}).user_id == "hrgpl0001"
    assert refused(balance_request, {}).reason is GatewayReason.MALFORMED_REQUEST
    assert refused(balance_request, {"userId": 7}).reason is GatewayReason.MALFORMED_REQUEST


def promotion(**overrides: Any) -> dict[str, Any]:
    return {"settleId": "S1", "eventId": "EV-1", "userId": "hrgpl0001", "amount": "5.0",
            "createTime": "2022-10-14T23:00:00.000", **overrides}


def test_event_settle_reads_each_item() -> None:
    body = json.dumps({"ts": "2022-10-14T23:00:01.000+0800",
                       "settles": [promotion(), promotion(settleId=77, createTime="2022-10-14T23:00:00.000+0900")]})
    asked = event_settle_request(parse_json_object(body.encode()))
    first, second = asked.settles
    assert (first.settle_id, first.event_id, first.user_id, first.amount) == ("S1", "EV-1", "hrgpl0001", "5.0")
    assert first.create_time == datetime(2022, 10, 14, 15, 0, tzinfo=UTC)
    assert second.settle_id == "77"
    assert second.create_time == datetime(2022, 10, 14, 14, 0, tzinfo=UTC)
    assert first.fields == promotion()


@pytest.mark.parametrize(
    ("settles", "where"),
    [
        (None, "settles"),
        ([], "settles"),
        ({"0": promotion()}, "settles"),
        (["S1"], "settles[0]"),
        ([promotion(), promotion(amount="-1")], "settles[1]"),
        ([promotion(amount="1.00001")], "settles[0]"),
        ([promotion(userId="")], "settles[0]"),
        ([promotion(createTime="2022-10-14")], "settles[0]"),
        ([{k: v for k, v in promotion().items() if k != "settleId"}], "settles[0]"),
    ],
)
def test_a_bad_event_settle_is_refused_naming_the_item(settles: Any, where: str) -> None:
    params: JsonObject = {"ts": "2022-10-14T23:00:01.000+0800"}
    if settles is not None:
        params["settles"] = settles
    caught = refused(event_settle_request, params)
    assert caught.reason in (GatewayReason.MALFORMED_REQUEST, GatewayReason.INVALID_AMOUNT)
    assert where in caught.detail


def test_event_settle_needs_its_ts() -> None:
    assert refused(event_settle_request, {"settles": [promotion()]}).reason is GatewayReason.MALFORMED_REQUEST
