"""Parsing SUD's requests (seed 003 and SUD's pages); the end-to-end files cover the refusals' answers."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from gateways.kit.jsonbody import JsonObject, parse_json_object
from gateways.kit.refusals import GatewayReason, Refusal
from gateways.sud.requests import (
    EXECUTE_FAIL,
    ScoreType,
    envelope,
    held_by_typed_fields,
    order_batch_changed,
    order_changed,
    update_score,
    user_settle,
)

# Seed 003's request example, with the comma it lacks after "mg_id" restored.
SEED_003 = """{
    "notify_id": "0795d77f85789da0eb387a50964993a3eba1fedfec2b12f729861392a9b5ad04",
    "notify_time": "1647844976502",
    "app_id": "14615640800525066",
    "notify_event": "sud.mg.merchant.user.settle",
    "data": {
        "mg_id": "mgid01",
        "room_id": "9009",
        "match_id": "match-001",
        "results": [
            {"uid": "u001", "order_id": "1663991011001", "out_order_id": "ce56b6lzi1a", "is_ai": 0, "score": 10,
             "remain_score": 100, "commission_score": 10},
            {"uid": "u002", "order_id": "1663991011002", "out_order_id": "ce56b6lzi1b", "is_ai": 0, "score": 20,
             "remain_score": 90, "commission_score": 0}
        ],
        "settle_at": "1663991011"
    }
}"""


def refused(call: Any, *args: Any) -> Refusal:
    with pytest.raises(Refusal) as refusal:
        call(*args)
    assert refusal.value.reason is GatewayReason.MALFORMED_REQUEST
    return refusal.value


def test_the_seed_003_example_is_read() -> None:
    sent = envelope(parse_json_object(SEED_003.encode()))
    assert (sent.notify_id[:8], sent.notify_time, sent.app_id, sent.notify_event) == (
        "0795d77f",
        "1647844976502",
        "14615640800525066",
        "sud.mg.merchant.user.settle",
    )
    settle = user_settle(sent.data)
    assert (settle.mg_id, settle.room_id, settle.match_id, settle.settle_at, settle.robots) == (
        "mgid01",
        "9009",
        "match-001",
        "1663991011",
        0,
    )
    assert [
        (p.uid, p.order_id, p.out_order_id, p.sent["score"], p.remain_score, p.sent["commission_score"])
        for p in settle.players
    ] == [
        ("u001", "1663991011001", "ce56b6lzi1a", 10, 100, 10),
        ("u002", "1663991011002", "ce56b6lzi1b", 20, 90, 0),
    ]
    assert settle.unknown == () and sent.unknown == ()


def _settle(**data: Any) -> JsonObject:
    row = {"uid": "u1", "order_id": "o1", "out_order_id": "b1", "is_ai": 0, "score": -5, "remain_score": 0}
    return {"mg_id": "m", "room_id": "r", "match_id": "x", "settle_at": "1663991011", "results": [row], **data}


def test_a_loss_has_a_negative_score_and_no_commission() -> None:
    player = user_settle(_settle()).players[0]
    assert (player.sent["score"], player.remain_score, "commission_score" in player.sent) == (-5, 0, False)


def test_a_row_needs_only_its_money_fields() -> None:
    row: JsonObject = {"uid": "u1", "order_id": "o1", "out_order_id": "b1", "is_ai": "0", "remain_score": 7}
    settle = user_settle({"results": [row, {"is_ai": "1"}]})
    assert (settle.players[0].remain_score, settle.robots, settle.mg_id, settle.settle_at) == (7, 1, "", None)


@pytest.mark.parametrize(
    "row",
    [
        # Once refused, now read: score and commission_score are description, kept as sent.
        {"commission_score": -1},
        {"score": "5"},
        {"score": Decimal("5.0")},
        {"score": True},
        {"score": None},
    ],
)
def test_odd_descriptions_in_a_row_are_kept_as_sent(row: dict[str, Any]) -> None:
    base = {"uid": "u1", "order_id": "o1", "out_order_id": "b1", "is_ai": 0, "score": 5, "remain_score": 0}
    sent = {key: value for key, value in {**base, **row}.items() if value is not None}
    assert user_settle(_settle(results=[sent])).players[0].sent == sent


def test_robots_are_counted_not_paid_and_need_nothing_but_is_ai() -> None:
    settle = user_settle(_settle(results=[{"is_ai": 1}, {"is_ai": 1, "uid": "", "remain_score": "junk"}]))
    assert (settle.players, settle.robots) == ((), 2)


def test_ids_sent_as_integers_are_read_as_their_digits() -> None:
    row = {"uid": 1001, "order_id": 1663991011001, "out_order_id": 7, "is_ai": 0, "score": 1, "remain_score": 1}
    player = user_settle(_settle(results=[row], mg_id=14615640800525066)).players[0]
    assert (player.uid, player.order_id, player.out_order_id) == ("1001", "1663991011001", "7")


def test_unknown_fields_are_listed_by_path() -> None:
    data = _settle(extra=1)
    results: list[Any] = data["results"]  # type: ignore[assignment]
    results[0]["seat"] = 3
    results.append({"is_ai": 1, "level": 2})
    assert user_settle(data).unknown == ("data.extra", "data.results[0].seat", "data.results[1].level")
    assert envelope(
        {"notify_id": "n", "notify_time": "1", "app_id": "a", "notify_event": "e", "data": {}, "z": 1}
    ).unknown == ("z",)


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ({"remain_score": -1}, "data.results[0].remain_score -1 is out of range (negative)"),
        ({"remain_score": "5"}, "data.results[0].remain_score must be an integer"),
        ({"remain_score": Decimal("5.0")}, "data.results[0].remain_score must be an integer"),
        ({"remain_score": True}, "data.results[0].remain_score must be an integer"),
        ({"remain_score": None}, "data.results[0].remain_score is missing"),
        ({"is_ai": None}, "data.results[0].is_ai is missing"),
        ({"is_ai": 2}, "data.results[0].is_ai must be 0 or 1, not 2"),
        ({"uid": None}, "in data.results[0]: field 'uid' is missing"),
        ({"out_order_id": ["b"]}, "in data.results[0]: field 'out_order_id' must be a string"),
    ],
)
def test_bad_rows_say_where(row: dict[str, Any], problem: str) -> None:
    base = {"uid": "u1", "order_id": "o1", "out_order_id": "b1", "is_ai": 0, "score": 5, "remain_score": 0}
    spoilt = {key: value for key, value in {**base, **row}.items() if value is not None}
    assert refused(user_settle, _settle(results=[spoilt])).detail == problem


def test_a_row_that_is_not_an_object_is_refused() -> None:
    assert refused(user_settle, _settle(results=["u1"])).detail == "data.results[0] must be an object"


def test_an_order_id_repeated_in_one_notification_is_refused() -> None:
    row = {"uid": "u1", "order_id": "o1", "out_order_id": "b1", "is_ai": 0, "score": 5, "remain_score": 0}
    assert refused(user_settle, _settle(results=[row, {**row, "uid": "u2"}])).detail == (
        "data.results repeats an order_id"
    )


def test_a_failed_order() -> None:
    data: JsonObject = {
        "order_id": "s1",
        "out_order_id": "b1",
        "from_uid": "u1",
        "to_uid": "u2",
        "cmd": "add_score",
        "mg_id": "m",
        "room_id": "r",
        "game_round_id": "x",
        "round_id": "older",
        "status": EXECUTE_FAIL,
        "value": 1,
        "seq": 0,
        "payload": {"score": 1},
        "out_group_id": "g",
        "new": True,
    }
    changed, to_uid = order_changed(data, "from_uid"), order_changed(data, "to_uid")
    assert changed.failed is not None and to_uid.failed is not None
    failed = changed.failed
    assert (failed.out_order_id, failed.player_uid, failed.sent["order_id"], failed.cmd, failed.round_id) == (
        "b1",
        "u1",
        "s1",
        "add_score",
        "x",
    )
    assert changed.unknown == ("data.new",)
    assert to_uid.failed.player_uid == "u2"


def test_other_statuses_need_only_the_status() -> None:
    assert order_changed({"status": "EXECUTE_SUCCESS"}, "from_uid").failed is None
    assert refused(order_changed, {"out_order_id": "b1"}, "from_uid").detail == "in data: field 'status' is missing"


def test_a_failed_order_reads_its_player_from_the_other_field_when_the_configured_one_is_absent() -> None:
    data: JsonObject = {"status": EXECUTE_FAIL, "out_order_id": "b1", "to_uid": "u2"}
    failed = order_changed(data, "from_uid").failed
    assert failed is not None and (failed.player_uid, failed.round_id, failed.mg_id, failed.cmd) == ("u2", "", "", None)
    assert refused(order_changed, {"status": EXECUTE_FAIL, "out_order_id": "b1"}, "from_uid").detail == (
        "in data: field 'from_uid' is missing"
    )


def test_a_batch_reads_each_order_and_lends_them_its_descriptions() -> None:
    data: JsonObject = {
        "mg_id": "m",
        "room_id": "r",
        "orders": [
            {"status": EXECUTE_FAIL, "out_order_id": "b1", "from_uid": "u1", "game_round_id": "g", "note": 1},
            {"status": "EXECUTE_SUCCESS"},
            {"status": EXECUTE_FAIL, "out_order_id": "b2", "from_uid": "u2", "room_id": "own"},
        ],
        "extra": True,
    }
    batch = order_batch_changed(data, "from_uid")
    failed = [order.failed for order in batch.orders]
    assert failed[1] is None and failed[0] is not None and failed[2] is not None
    assert (failed[0].out_order_id, failed[0].mg_id, failed[0].room_id, failed[0].round_id) == ("b1", "m", "r", "g")
    assert (failed[2].player_uid, failed[2].room_id) == ("u2", "own")
    assert batch.described == {"mg_id": "m", "room_id": "r", "extra": True}
    assert batch.unknown == ("data.extra", "data.orders[0].note")


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"mg_id": "m"}, "data.orders is missing"),
        ({"orders": {"status": EXECUTE_FAIL}}, "data.orders must be a list"),
        ({"orders": ["b1"]}, "data.orders[0] must be an object"),
        (
            {"orders": [{"status": "EXECUTE_SUCCESS"}, {"status": EXECUTE_FAIL, "from_uid": "u1"}]},
            "in data.orders[1]: field 'out_order_id' is missing",
        ),
    ],
)
def test_a_bad_batch_says_where(data: JsonObject, problem: str) -> None:
    assert refused(order_batch_changed, data, "from_uid").detail == problem


def test_the_configured_player_field_is_not_unknown() -> None:
    changed = order_changed({"status": "EXECUTING", "payer": "u1"}, "payer")
    assert changed.unknown == ()


@pytest.mark.parametrize(("kind", "expected"), [(1, ScoreType.CONSUME), (2, ScoreType.GAIN)])
def test_update_score(kind: int, expected: ScoreType) -> None:
    asked = update_score({"order_id": "o", "mg_id": "m", "round_id": "r", "uid": "u", "score": 10, "type": kind})
    assert (asked.order_id, asked.uid, asked.score, asked.type, asked.mg_id, asked.round_id) == (
        "o",
        "u",
        10,
        expected,
        "m",
        "r",
    )


def test_update_score_without_descriptions() -> None:
    asked = update_score({"order_id": "o", "uid": "u", "score": 0, "type": 2})
    assert (asked.mg_id, asked.round_id, asked.score) == ("", "", 0)


def test_update_score_odd_descriptions_are_kept_not_refused() -> None:
    params: JsonObject = {"order_id": "o", "uid": "u", "score": 1, "type": 2, "mg_id": {"id": 1}, "game_round_id": 7}
    asked = update_score(params)
    assert (asked.mg_id, asked.round_id) == ("", "7")
    assert held_by_typed_fields(params) == {"uid", "game_round_id"}


@pytest.mark.parametrize(
    ("spoil", "problem"),
    [
        ({"type": 0}, "type must be 1 (consume) or 2 (gain), not 0"),
        ({"type": None}, "type is missing"),
        ({"score": -1}, "score -1 is out of range (negative)"),
        ({"score": 2**63}, f"score {2**63} is out of range"),
    ],
)
def test_bad_update_scores(spoil: dict[str, Any], problem: str) -> None:
    body = {"order_id": "o", "uid": "u", "score": 1, "type": 1, **spoil}
    assert refused(update_score, {k: v for k, v in body.items() if v is not None}).detail == problem


def test_the_envelope_needs_data() -> None:
    body = json.loads('{"notify_id": "n", "notify_time": "1", "app_id": "a", "notify_event": "e"}')
    assert refused(envelope, body).detail == "data is missing"
