"""The HRG app as HRG meets it: routes, who may call, and bad input on every action (each store)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from gateways.kit.core_client import CoreClient
from tests.gateways.hrg.conftest import HRG, PREFIX, new_id, running_hrg
from tests.gateways.hrg.vendor import SECRET, Vendor
from tests.support.core import CoreHandle
from wallet.v1 import wallet_pb2

ACTIONS = ("get_balance", "place_bet", "cancel_bet", "settle", "event_settle")
NOT_ALLOWED = {"code": "1038", "desc": "not allowed", "msg": "not allowed"}


def bodies(user: str, tx: str) -> dict[str, dict[str, Any]]:
    """One well-formed request per action, each of which would move money (or read it)."""
    vendor = Vendor()
    return {
        "get_balance": vendor.get_balance(user),
        "place_bet": vendor.place_bet(user, tx, "10.00"),
        "cancel_bet": vendor.cancel_bet(user, tx),
        "settle": vendor.settle(user, tx, "10.00", "19.50"),
        "event_settle": vendor.event_settle(vendor.promotion("S-" + tx, user, "5.00")),
    }


async def test_the_five_actions_answer_post_under_the_prefix(hrg: HRG) -> None:
    for action in ACTIONS:
        assert (await hrg.client.get(f"{PREFIX}/{action}")).status_code == 405
    assert (await hrg.client.post(f"{PREFIX}/unknown", json={})).status_code == 404
    assert (await hrg.client.post("/hrg/get_balance", json={})).status_code == 404
    health = await hrg.client.get("/healthz")
    assert (health.status_code, health.json()["core"]) == (200, "up")


@pytest.mark.parametrize("secret", [None, "", SECRET[:-1], SECRET + "0", SECRET.upper()])
async def test_without_the_shared_secret_every_action_is_refused(hrg: HRG, secret: str | None) -> None:
    user, tx = await hrg.player("100.00"), new_id()
    for action, body in bodies(user, tx).items():
        answer = await hrg.send(action, body, secret=secret)
        assert answer == NOT_ALLOWED, action
    assert await hrg.balance_of(user) == Decimal("100.00")
    # Nothing was recorded under the txId: the genuine bet still goes through.
    assert (await hrg.send("place_bet", bodies(user, tx)["place_bet"]))["code"] == "0000"


async def test_from_an_address_not_allowed_every_action_is_refused(hrg: HRG, core: CoreHandle) -> None:
    user, tx = await hrg.player("100.00"), new_id()
    async with running_hrg(core, client_ip="192.0.2.7") as stranger:
        for action, body in bodies(user, tx).items():
            assert await stranger.send(action, body) == NOT_ALLOWED, action
    assert await hrg.balance_of(user) == Decimal("100.00")


async def test_allow_any_source_serves_anyone_without_a_secret(core: CoreHandle) -> None:
    """The demo-only configuration, asked for explicitly."""
    async with running_hrg(
        core, client_ip="192.0.2.7", allowed_ips=[], shared_secret="", allow_any_source=True
    ) as anyone:
        user = await anyone.player("1.00")
        answer = await anyone.send("get_balance", {"userId": user}, secret=None)
    assert (answer["code"], answer["balance"]) == ("0000", "1.00")


MONEY_FIELD = {
    "get_balance": "userId",
    "place_bet": "betAmount",
    "cancel_bet": "txId",
    "settle": "winAmount",
    "event_settle": "settles",
}
"""A field each action's money depends on (gateways/hrg/requests.py)."""


def spoilt(case: str, action: str, body: dict[str, Any]) -> bytes:
    """`body` spoilt as `case` says."""
    money = MONEY_FIELD[action]
    cases: dict[str, bytes | dict[str, Any] | list[Any]] = {
        "malformed_json": json.dumps(body).encode()[:-3],
        "not_an_object": [body],
        "empty_body": b"",
        "duplicate_key": json.dumps(body).encode()[:-1] + b', "' + money.encode() + b'": "x"}',
        "missing_field": {k: v for k, v in body.items() if k != money},
        "mistyped_field": {**body, money: 12345},
        "oversized_body": {**body, "padding": "x" * 70_000},
    }
    spoiled = cases[case]
    return spoiled if isinstance(spoiled, bytes) else json.dumps(spoiled).encode()


@pytest.mark.parametrize(
    "case",
    [
        "malformed_json",
        "not_an_object",
        "empty_body",
        "duplicate_key",
        "missing_field",
        "mistyped_field",
        "oversized_body",
    ],
)
async def test_bad_input_on_any_action_is_1001_and_moves_nothing(hrg: HRG, case: str) -> None:
    user, tx = await hrg.player("100.00"), new_id()
    await hrg.send("place_bet", hrg.vendor.place_bet(user, tx, "10.00"))
    for action, body in bodies(user, tx).items():
        answer = await hrg.send(action, spoilt(case, action, body))
        assert answer == {"code": "1001", "desc": "invalid parameters", "msg": "invalid parameters"}, action
    assert await hrg.balance_of(user) == Decimal("90.00")


@pytest.mark.parametrize("value", ["2022-10-14T23:00:00.000+0800 ", "2022-10-14", "", 1665759600000, None])
async def test_a_place_bet_ts_that_cannot_be_read_is_1001_and_moves_nothing(hrg: HRG, value: Any) -> None:
    user = await hrg.player("100.00")
    assert (await hrg.send("place_bet", {**hrg.vendor.place_bet(user, new_id(), "10.00"), "ts": value}))["code"] == (
        "1001"
    )
    assert await hrg.balance_of(user) == Decimal("100.00")


DESCRIPTIVE_TIMES = [
    ("place_bet", "betTime", "-10.00"),
    ("cancel_bet", "ts", "10.00"),
    ("settle", "ts", "19.50"),
    ("settle", "betTime", "19.50"),
    ("settle", "roundStartTime", "19.50"),
    ("event_settle", "ts", "5.00"),
    ("event_settle", "createTime", "5.00"),
]


@pytest.mark.parametrize(("action", "field", "moves"), DESCRIPTIVE_TIMES)
@pytest.mark.parametrize(
    "value", ["2022-10-14T23:00:00+0800", "2022-10-14T15:00:00Z", "2022-10-14", "", 1665759600000, None]
)
async def test_a_descriptive_time_in_any_shape_moves_the_money_once(
    hrg: HRG, action: str, field: str, moves: str, value: Any
) -> None:
    """Times as HRG has been seen to send them, or not readable at all: the money still moves once.
    (A bet's `ts` is the one time that is checked: the test above.)"""
    user, tx = await hrg.player("100.00"), new_id()
    await hrg.send("place_bet", hrg.vendor.place_bet(user, tx, "10.00"))
    body = bodies(user, tx if action != "place_bet" else new_id())[action]
    if field == "createTime":
        body["settles"][0][field] = value
    else:
        body[field] = value
    for _ in range(2):
        assert (await hrg.send(action, body))["code"] == "0000"
        assert await hrg.balance_of(user) == Decimal("90.00") + Decimal(moves)


class BrokenCore(CoreClient):
    async def debit(self, request: wallet_pb2.DebitRequest, *, request_id: str) -> wallet_pb2.DebitResponse:
        raise RuntimeError("a bug")


async def test_a_bug_is_9999_never_a_500(core: CoreHandle) -> None:
    async with running_hrg(core, core_client=BrokenCore) as hrg:
        answer = await hrg.send("place_bet", hrg.vendor.place_bet("u", new_id(), "1.00"))
    assert answer == {"code": "9999", "desc": "error", "msg": "error"}


async def test_the_secret_header_s_name_is_configurable(core: CoreHandle) -> None:
    async with running_hrg(core, provisional={"secret_header": "X-Hrg-Key"}) as hrg:
        user = await hrg.player("1.00")
        url = f"{PREFIX}/get_balance"
        default_name = await hrg.client.post(url, json={"userId": user}, headers={"X-HRG-Secret": SECRET})
        configured = await hrg.client.post(url, json={"userId": user}, headers={"x-hrg-key": SECRET})
    assert default_name.json()["code"] == "1038"
    assert (configured.json()["code"], configured.json()["balance"]) == ("0000", "1.00")
