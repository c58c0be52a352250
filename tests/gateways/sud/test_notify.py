"""The notification envelope end to end: unknown events and fields accepted, bad envelopes refused."""

from __future__ import annotations

import json
import logging
from decimal import Decimal

import pytest

from tests.gateways.metric_samples import sample
from tests.gateways.sud.conftest import Sud
from tests.gateways.sud.vendor import human, new_id

OK = {"ret_code": 0, "ret_msg": "SUCCESS"}


@pytest.mark.parametrize(
    "event", ["sud.mg.merchant.room.users.changed", "sud.mg.merchant.match.settle", "sud.mg.merchant.brand.new"]
)
async def test_unknown_events_are_accepted_and_logged(sud: Sud, caplog: pytest.LogCaptureFixture, event: str) -> None:
    body = sud.vendor.envelope(event, {"room_id": "9009", "anything": [1, 2, {"x": None}]})
    with caplog.at_level(logging.INFO, logger="gateways.sud"):
        assert await sud.notify(body) == OK
    logged = [r for r in caplog.records if r.getMessage() == "unknown notify_event accepted: nothing moves"]
    assert [(r.__dict__["notify_event"], r.__dict__["notify_id"]) for r in logged] == [(event, body["notify_id"])]


async def test_unknown_envelope_fields_are_accepted_and_logged(sud: Sud, caplog: pytest.LogCaptureFixture) -> None:
    alice = await sud.player()
    buy_in = new_id()
    await sud.buy_in(alice, buy_in, "10.00")
    body = {**sud.vendor.settle([human(alice, new_id(), buy_in, remain_score=1950)]), "trace": {"span": "1"}}
    with caplog.at_level(logging.INFO, logger="gateways.sud"):
        assert await sud.notify(body) == OK
    logged = [r.__dict__["fields"] for r in caplog.records if r.getMessage() == "unknown fields accepted"]
    assert logged == [["trace"]]
    assert await sud.balance_of(alice) == Decimal("109.50")


async def test_a_notification_for_another_app_is_refused(sud: Sud) -> None:
    alice = await sud.player()
    buy_in = new_id()
    await sud.buy_in(alice, buy_in, "10.00")
    body = sud.vendor.order_changed(alice, buy_in)
    body["app_id"] = "another-app"
    assert await sud.notify(body) == {"ret_code": 1004, "ret_msg": "unknown app id"}
    assert await sud.balance_of(alice) == Decimal("90.00")


async def _failed_order_with(sud: Sud, spoil: dict[str, object]) -> tuple[str, dict[str, object]]:
    """A player bought in for 10.00 and the failed order of that buy-in, its envelope spoilt (None: left out)."""
    alice = await sud.player()
    buy_in = new_id()
    await sud.buy_in(alice, buy_in, "10.00")
    body = {**sud.vendor.order_changed(alice, buy_in), **spoil}
    return alice, {key: value for key, value in body.items() if value is not None}


@pytest.mark.parametrize(
    "spoil",
    [
        {"app_id": None},
        {"notify_event": None},
        {"notify_event": ["sud.mg.merchant.order.changed"]},
        {"data": None},
    ],
)
async def test_a_bad_envelope_is_refused_and_moves_nothing(sud: Sud, spoil: dict[str, object]) -> None:
    alice, body = await _failed_order_with(sud, spoil)
    answer = await sud.notify(body)
    assert answer == {
        "ret_code": 1001,
        "ret_msg": "bad request: not JSON, or a field missing, mistyped or out of range",
    }
    assert await sud.balance_of(alice) == Decimal("90.00")


@pytest.mark.parametrize(
    "spoil",
    [
        # Once refused (1001), now applied: notify_id and notify_time are description (requests.py).
        {"notify_id": None},
        {"notify_id": ""},
        {"notify_id": 7.5},
        {"notify_time": None},
        {"notify_time": "yesterday"},
        {"notify_time": "-1"},
        {"notify_time": 1647844976},
        {"notify_time": "164784497650"},
    ],
)
async def test_an_odd_or_missing_envelope_description_is_kept_not_refused(sud: Sud, spoil: dict[str, object]) -> None:
    alice, body = await _failed_order_with(sud, spoil)
    assert await sud.notify(body) == OK
    assert await sud.notify(body) == OK  # SUD's re-send moves nothing
    assert await sud.balance_of(alice) == Decimal("100.00")


@pytest.mark.parametrize(
    "raw",
    [b"", b"{", b"[]", b'"text"', b"null", b'{"a": NaN}', b'{"a": 1, "a": 2}', b"\xff\xfe", b"{}"],
)
async def test_bodies_that_are_not_a_json_envelope_are_refused(sud: Sud, raw: bytes) -> None:
    answer = await sud.notify(raw)
    assert answer["ret_code"] == 1001


async def test_each_answer_is_counted_by_code(sud: Sud) -> None:
    before_ok = sample("gateway_requests_total", provider="sud", endpoint="notify", code="0", reason="")
    before_bad = sample(
        "gateway_requests_total", provider="sud", endpoint="notify", code="1001", reason="MALFORMED_REQUEST"
    )
    assert await sud.notify(sud.vendor.envelope("sud.mg.merchant.room.users.changed", {})) == OK
    assert (await sud.notify(json.dumps([]).encode()))["ret_code"] == 1001
    assert sample("gateway_requests_total", provider="sud", endpoint="notify", code="0", reason="") == before_ok + 1
    assert (
        sample("gateway_requests_total", provider="sud", endpoint="notify", code="1001", reason="MALFORMED_REQUEST")
        == before_bad + 1
    )
