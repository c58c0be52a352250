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
    "ts": "2022-10-14T22:59:59.950+0800",
    "gameType": "LIVE",
    "gameCode": "BACCARAT",
    "userId": "hrgpl0001",
    "roundId": "R-1",
    "txId": "AAA-251916",
    "tableId": "T01",
    "betTime": "2022-10-14T22:59:59.920+0800",
    "betAmount": "10.0",
    "category": "BANKER",
}
CANCEL_BET: JsonObject = {
    "ts": "2022-10-14T23:00:05.000+0800",
    "reason": "TIMEOUT",
    "userId": "hrgpl0001",
    "txId": "AAA-251916",
    "gameType": "LIVE",
    "gameCode": "BACCARAT",
}


def seed() -> JsonObject:
    return parse_json_object(SEED_001.encode())


def refused(parse: Any, params: Any) -> Refusal:
    with pytest.raises(Refusal) as caught:
        parse(params)
    return caught.value


def test_the_seed_settle_is_read_for_its_money() -> None:
    asked = settle_request(seed())
    assert (asked.user_id, asked.tx_id, asked.win_amount) == ("hrgpl0001", "AAA-251916", "0.0")
    assert (asked.round_id, asked.game_code, asked.bet_amount) == ("R-1", "BACCARAT", "10.0")
    assert asked.ts == datetime(2022, 10, 14, 15, 0, tzinfo=UTC)
    assert asked.typed == {"userId", "txId", "winAmount", "roundId", "gameCode"}


def test_the_seed_settle_as_printed_has_no_round_and_is_read() -> None:
    printed = {key: value for key, value in seed().items() if key != "roundId"}
    asked = settle_request(printed)
    assert (asked.user_id, asked.tx_id, asked.win_amount, asked.round_id) == ("hrgpl0001", "AAA-251916", "0.0", "")
    assert asked.typed == {"userId", "txId", "winAmount", "gameCode"}


SETTLE_DESCRIPTIVE = [
    "ts",
    "roundId",
    "gameType",
    "gameCode",
    "betTime",
    "roundStartTime",
    "betAmount",
    "validBetAmount",
    "odds",
    "status",
    "result",
    "commission",
]


@pytest.mark.parametrize("name", SETTLE_DESCRIPTIVE)
def test_a_settle_without_a_descriptive_field_seed_001_marks_required_is_read(name: str) -> None:
    asked = settle_request({key: value for key, value in seed().items() if key != name})
    assert (asked.user_id, asked.tx_id, asked.win_amount) == ("hrgpl0001", "AAA-251916", "0.0")


def test_a_settle_with_only_its_money_fields_is_read() -> None:
    asked = settle_request({"userId": "hrgpl0001", "txId": "AAA-251916", "winAmount": "19.5"})
    assert (asked.ts, asked.bet_amount, asked.round_id, asked.game_code) == (None, None, "", "")
    assert asked.typed == {"userId", "txId", "winAmount"}


@pytest.mark.parametrize("name", ["userId", "txId", "winAmount"])
def test_a_settle_without_a_money_field_is_refused(name: str) -> None:
    params = {key: value for key, value in seed().items() if key != name}
    assert refused(settle_request, params).reason is GatewayReason.MALFORMED_REQUEST


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("winAmount", "-10.0", GatewayReason.INVALID_AMOUNT),
        ("winAmount", "10.00001", GatewayReason.INVALID_AMOUNT),
        ("winAmount", "1e1", GatewayReason.INVALID_AMOUNT),
        ("winAmount", 10, GatewayReason.MALFORMED_REQUEST),
        ("winAmount", Decimal("10.5"), GatewayReason.MALFORMED_REQUEST),
        ("txId", 251916, GatewayReason.MALFORMED_REQUEST),
        ("txId", "x" * 129, GatewayReason.MALFORMED_REQUEST),
        ("userId", None, GatewayReason.MALFORMED_REQUEST),
        ("userId", ["hrgpl0001"], GatewayReason.MALFORMED_REQUEST),
    ],
)
def test_a_bad_money_field_of_a_settle_is_refused(name: str, value: Any, reason: GatewayReason) -> None:
    assert refused(settle_request, {**seed(), name: value}).reason is reason


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("betAmount", "1e1"),
        ("betAmount", 10),
        ("validBetAmount", "NaN"),
        ("commission", "-0.5"),
        ("commission", 0),
        ("fee", "0.123456"),
        ("fee", 1),
        ("odds", "x"),
        ("odds", -1.0),
        ("ts", "yesterday"),
        ("ts", 1665759600000),
        ("ts", "1969-12-31T23:59:59.999+0000"),
        ("ts", ["2022-10-14T23:00:00.000+0800"]),
        ("betTime", 1665759600000),
        ("roundStartTime", "2022-07-03"),
        ("roundStartTime", "1969-12-31T23:59:59.999+0000"),
        ("result", "H03,C01"),
        ("result", ["H03", 1]),
        ("status", ["WIN"]),
        ("roundId", {"id": 1}),
        ("gameCode", "x" * 200),
        ("roundId", "R-\x00"),
    ],
)
def test_an_odd_descriptive_field_of_a_settle_is_not_a_reason_to_refuse(name: str, value: Any) -> None:
    asked = settle_request({**seed(), name: value})
    assert (asked.user_id, asked.tx_id, asked.win_amount) == ("hrgpl0001", "AAA-251916", "0.0")
    if name in ("roundId", "gameCode"):
        assert name not in asked.typed  # not taken, so kept in details as sent
    if name == "ts":
        assert asked.ts is None
    if name == "betAmount":
        assert asked.bet_amount is None


@pytest.mark.parametrize(
    "ts",
    [
        "2022-10-14T23:00:00.000+0800",
        "2022-10-14T23:00:00+0800",
        "2022-10-14T23:00:00.000+08:00",
        "2022-10-14T15:00:00.000Z",
        "2022-10-14T15:00:00Z",
        "2022-10-14T23:00:00.000",
        "2022-10-14T23:00:00",
        "2022-10-14 23:00:00.000+0800",
    ],
)
def test_a_settle_s_time_is_read_in_every_shape_hrg_sends(ts: str) -> None:
    assert settle_request({**seed(), "ts": ts}).ts == datetime(2022, 10, 14, 15, 0, tzinfo=UTC)


def test_place_bet_is_read_field_by_field() -> None:
    asked = bet_request(PLACE_BET)
    assert (asked.user_id, asked.tx_id, asked.bet_amount) == ("hrgpl0001", "AAA-251916", "10.0")
    assert (asked.round_id, asked.table_id, asked.game_code) == ("R-1", "T01", "BACCARAT")
    assert asked.ts == datetime(2022, 10, 14, 14, 59, 59, 950_000, UTC)
    assert asked.bet_time == datetime(2022, 10, 14, 14, 59, 59, 920_000, UTC)
    assert asked.typed == {"userId", "txId", "betAmount", "roundId", "tableId", "gameCode"}


@pytest.mark.parametrize("name", ["ts", "userId", "txId", "betAmount"])
def test_place_bet_needs_its_money_fields_and_ts(name: str) -> None:
    params = {key: value for key, value in PLACE_BET.items() if key != name}
    assert refused(bet_request, params).reason is GatewayReason.MALFORMED_REQUEST


@pytest.mark.parametrize("name", ["betTime", "roundId", "tableId", "gameType", "gameCode", "category"])
def test_place_bet_without_a_descriptive_field_is_read(name: str) -> None:
    asked = bet_request({key: value for key, value in PLACE_BET.items() if key != name})
    assert (asked.user_id, asked.tx_id, asked.bet_amount) == ("hrgpl0001", "AAA-251916", "10.0")
    assert name not in asked.typed


def test_place_bet_keeps_an_odd_description_as_sent() -> None:
    asked = bet_request({**PLACE_BET, "category": 3, "tableId": 7, "betTime": "soon"})
    assert (asked.table_id, asked.bet_time) == ("", None)
    assert "tableId" not in asked.typed


@pytest.mark.parametrize(
    "ts",
    [
        "2022-10-14T22:59:59+0800",
        "2022-10-14T14:59:59.950Z",
        "2022-10-14T22:59:59.950",
        "2022-10-14T22:59:59.950+08:00",
    ],
)
def test_place_bet_reads_its_ts_liberally(ts: str) -> None:
    assert bet_request({**PLACE_BET, "ts": ts}).ts.replace(microsecond=0) == datetime(
        2022, 10, 14, 14, 59, 59, tzinfo=UTC
    )


@pytest.mark.parametrize("ts", ["yesterday", "2022-10-14", 1665759599950, "1969-12-31T23:59:59.999+0000"])
def test_place_bet_refuses_a_ts_it_cannot_read(ts: Any) -> None:
    assert refused(bet_request, {**PLACE_BET, "ts": ts}).reason is GatewayReason.MALFORMED_REQUEST


def test_a_place_bet_amount_is_checked() -> None:
    assert refused(bet_request, {**PLACE_BET, "betAmount": "10.00005"}).reason is GatewayReason.INVALID_AMOUNT
    assert refused(bet_request, {**PLACE_BET, "betAmount": 10}).reason is GatewayReason.MALFORMED_REQUEST


def test_cancel_needs_only_who_and_which_bet() -> None:
    asked = cancel_request({"userId": "hrgpl0001", "txId": "AAA-251916"})
    assert (asked.user_id, asked.tx_id, asked.round_id, asked.game_code, asked.ts) == (
        "hrgpl0001",
        "AAA-251916",
        "",
        "",
        None,
    )
    assert asked.typed == {"userId", "txId"}
    full = cancel_request(CANCEL_BET)
    assert (full.game_code, full.ts) == ("BACCARAT", datetime(2022, 10, 14, 15, 0, 5, tzinfo=UTC))
    for name in ("userId", "txId"):
        params = {key: value for key, value in CANCEL_BET.items() if key != name}
        assert refused(cancel_request, params).reason is GatewayReason.MALFORMED_REQUEST


def test_a_cancel_is_not_refused_for_an_odd_description() -> None:
    asked = cancel_request(
        {**CANCEL_BET, "reason": 5, "gameCode": ["BACCARAT"], "roundId": {"id": 1}, "ts": "yesterday"}
    )
    assert (asked.tx_id, asked.round_id, asked.game_code, asked.ts) == ("AAA-251916", "", "", None)
    assert asked.typed == {"userId", "txId"}


def test_balance_needs_a_user() -> None:
    assert balance_request({"userId": "hrgpl0001"}).user_id == "hrgpl0001"
    assert refused(balance_request, {}).reason is GatewayReason.MALFORMED_REQUEST
    assert refused(balance_request, {"userId": 7}).reason is GatewayReason.MALFORMED_REQUEST


def promotion(**overrides: Any) -> dict[str, Any]:
    return {
        "settleId": "S1",
        "eventId": "EV-1",
        "userId": "hrgpl0001",
        "amount": "5.0",
        "createTime": "2022-10-14T23:00:00.000",
        **overrides,
    }


def test_event_settle_reads_each_item() -> None:
    body = json.dumps(
        {
            "ts": "2022-10-14T23:00:01.000+0800",
            "settles": [promotion(), promotion(settleId=77, createTime="2022-10-14T23:00:00.000+0900")],
        }
    )
    asked = event_settle_request(parse_json_object(body.encode()))
    first, second = asked.settles
    assert (first.settle_id, first.event_id, first.user_id, first.amount) == ("S1", "EV-1", "hrgpl0001", "5.0")
    assert first.create_time == datetime(2022, 10, 14, 15, 0, tzinfo=UTC)
    assert second.settle_id == "77"
    assert second.create_time == datetime(2022, 10, 14, 14, 0, tzinfo=UTC)
    assert first.fields == promotion()


@pytest.mark.parametrize(
    ("odd", "event_id"),
    [
        ({"eventId": None}, ""),
        ({"eventId": ["EV"]}, ""),
        ({"createTime": "2022-10-14"}, "EV-1"),
        ({"createTime": 1665759600000}, "EV-1"),
    ],
)
def test_an_item_s_odd_description_is_kept_not_refused(odd: dict[str, Any], event_id: str) -> None:
    [item] = event_settle_request({"settles": [promotion(**odd)]}).settles
    assert (item.settle_id, item.user_id, item.amount, item.event_id) == ("S1", "hrgpl0001", "5.0", event_id)
    assert item.fields == promotion(**odd)


def test_an_item_with_only_its_money_fields_is_read() -> None:
    asked = event_settle_request({"settles": [{"settleId": "S1", "userId": "hrgpl0001", "amount": "5.0"}]})
    [item] = asked.settles
    assert (asked.ts, item.event_id, item.create_time) == (None, "", None)


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
        ([promotion(amount=5)], "settles[0]"),
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


def test_event_settle_s_ts_is_descriptive() -> None:
    assert event_settle_request({"settles": [promotion()]}).ts is None
    assert event_settle_request({"ts": "soon", "settles": [promotion()]}).ts is None
    assert event_settle_request({"ts": "2022-10-14T23:00:01+08:00", "settles": [promotion()]}).ts == datetime(
        2022, 10, 14, 15, 0, 1, tzinfo=UTC
    )
