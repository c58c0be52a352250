"""user.settle end to end: HTTP -> gateway -> real core, on each store; money checked with the core."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest
from google.protobuf import json_format

from tests.gateways.sud.conftest import Sud, SudFactory
from tests.gateways.sud.vendor import human, new_id, robot
from tests.wallet_core.helpers import decide_hold
from wallet.v1 import wallet_pb2

CREDIT = wallet_pb2.TRANSACTION_KIND_CREDIT
OK = {"ret_code": 0, "ret_msg": "SUCCESS"}


async def test_each_human_gets_remain_score_back_against_the_buy_in(sud: Sud) -> None:
    alice, bob = await sud.player(), await sud.player()
    alice_in, bob_in = new_id(), new_id()
    await sud.buy_in(alice, alice_in, "10.00")
    await sud.buy_in(bob, bob_in, "10.00")
    body = sud.vendor.settle(
        [
            human(alice, "1663991011001", alice_in, remain_score=1950, score=950, commission_score=50),
            human(bob, "1663991011002", bob_in, remain_score=0, score=-1000),
            robot(),
        ]
    )
    assert await sud.notify(body) == OK
    assert await sud.balance_of(alice) == Decimal("109.50")  # 100 - 10 + 19.50
    assert await sud.balance_of(bob) == Decimal("90.00")  # lost the whole buy-in: a zero payout settles it


async def test_the_record_keeps_what_sud_told_of_the_settlement(sud: Sud) -> None:
    alice = await sud.player()
    buy_in, order = new_id(), new_id()
    await sud.buy_in(alice, buy_in, "10.00")
    body = sud.vendor.settle([human(alice, order, buy_in, remain_score=1200, score=200, commission_score=10)])
    assert await sud.notify(body) == OK
    found = await sud.transaction(order, CREDIT)
    credit = found.transaction
    assert (credit.reference_transaction_id, credit.amount, credit.currency) == (buy_in, "12.00", "USD")
    assert (credit.player_id, credit.round_id, credit.game_id, credit.table_id) == (
        sud.wallet_id(alice),
        "ce56b6lzi1a7",
        "14615640800525066",
        "9009",
    )
    details = json_format.MessageToDict(credit.details)
    assert {key: details[key] for key in ("score", "remain_score", "commission_score", "uid", "order_id")} == {
        "score": 200,
        "remain_score": 1200,
        "commission_score": 10,
        "uid": alice,
        "order_id": order,
    }
    assert (details["mg_id"], details["room_id"], details["match_id"]) == ("14615640800525066", "9009", "ce56b6lzi1a7")
    assert details["settle_at"] == body["data"]["settle_at"]  # as sent
    assert details["notify_id"] == body["notify_id"]
    assert credit.event_time.seconds == int(body["data"]["settle_at"])
    assert [t.kind for t in found.related] == [wallet_pb2.TRANSACTION_KIND_DEBIT, CREDIT]
    assert found.related[0].bet.state == wallet_pb2.BET_STATE_SETTLED


async def test_a_resent_notification_moves_nothing_and_still_succeeds(sud: Sud) -> None:
    alice = await sud.player()
    buy_in = new_id()
    await sud.buy_in(alice, buy_in, "10.00")
    body = sud.vendor.settle([human(alice, new_id(), buy_in, remain_score=1950)])
    assert await sud.notify(body) == OK
    assert await sud.notify(body) == OK  # same notify_id, freshly signed
    assert await sud.notify({**body, "notify_id": new_id()}) == OK  # the same news under another notify_id
    assert await sud.balance_of(alice) == Decimal("109.50")


async def test_one_player_that_cannot_be_paid_stops_the_whole_notification_until_the_resend(
    sud: Sud, caplog: pytest.LogCaptureFixture
) -> None:
    alice, bob = await sud.player(), await sud.player()
    alice_in, bob_in = new_id(), new_id()
    await sud.buy_in(alice, alice_in, "10.00")
    body = sud.vendor.settle(
        [
            human(alice, new_id(), alice_in, remain_score=1950),
            human(bob, new_id(), bob_in, remain_score=500),  # bob's buy-in has not reached the wallet yet
        ]
    )
    with caplog.at_level(logging.WARNING, logger="gateways.sud"):
        answer = await sud.notify(body)
    assert answer == {"ret_code": 1009, "ret_msg": "buy-in order not found: send again later"}
    [logged] = [r for r in caplog.records if r.getMessage().startswith("settlement not applied")]
    assert (logged.name, logged.__dict__["uid"], logged.__dict__["out_order_id"]) == ("gateways.sud", bob, bob_in)
    assert await sud.balance_of(alice) == Decimal("90.00")  # all or none: alice is not paid either
    assert await sud.balance_of(bob) == Decimal("100.00")

    await sud.buy_in(bob, bob_in, "10.00")
    assert await sud.notify(body) == OK  # SUD's re-send
    assert await sud.notify(body) == OK  # and once more
    assert await sud.balance_of(alice) == Decimal("109.50")
    assert await sud.balance_of(bob) == Decimal("95.00")  # 100 - 10 + 5


async def test_several_settlements_of_one_buy_in_each_pay_once(sud: Sud) -> None:
    alice = await sud.player()
    buy_in = new_id()
    await sud.buy_in(alice, buy_in, "10.00")
    first, second = new_id(), new_id()
    assert await sud.notify(sud.vendor.settle([human(alice, first, buy_in, remain_score=300)])) == OK
    assert await sud.notify(sud.vendor.settle([human(alice, second, buy_in, remain_score=700)])) == OK
    assert await sud.notify(sud.vendor.settle([human(alice, second, buy_in, remain_score=700)])) == OK
    assert await sud.balance_of(alice) == Decimal("100.00")


async def test_robots_move_nothing(sud: Sud, caplog: pytest.LogCaptureFixture) -> None:
    alice = await sud.player()
    body = sud.vendor.settle([robot(), robot(5000)])
    with caplog.at_level(logging.INFO, logger="gateways.sud"):
        assert await sud.notify(body) == OK
    assert "settlement without human players: nothing moves" in caplog.messages
    assert await sud.balance_of(alice) == Decimal("100.00")


async def test_a_settlement_for_a_rolled_back_buy_in_is_refused_for_everyone_and_logged_for_review(
    sud: Sud, caplog: pytest.LogCaptureFixture
) -> None:
    alice, bob = await sud.player(), await sud.player()
    alice_in, bob_in = new_id(), new_id()
    await sud.buy_in(alice, alice_in, "10.00")
    await sud.buy_in(bob, bob_in, "10.00")
    assert await sud.notify(sud.vendor.order_changed(bob, bob_in)) == OK
    body = sud.vendor.settle(
        [human(alice, new_id(), alice_in, remain_score=1950), human(bob, new_id(), bob_in, remain_score=500)]
    )
    with caplog.at_level(logging.WARNING, logger="gateways.sud.review"):
        assert (await sud.notify(body))["ret_code"] == 1010
    [logged] = [r for r in caplog.records if r.name == "gateways.sud.review"]
    assert logged.getMessage() == "settlement not applied: one credit was refused, so none was"
    assert (logged.__dict__["uid"], logged.__dict__["reason"]) == (bob, "ALREADY_ROLLED_BACK")
    assert logged.__dict__["transaction_id"] == body["notify_id"]
    assert await sud.balance_of(alice) == Decimal("90.00")
    assert await sud.balance_of(bob) == Decimal("100.00")


async def test_another_players_buy_in_is_refused(sud: Sud) -> None:
    alice, mallory = await sud.player(), await sud.player()
    buy_in = new_id()
    await sud.buy_in(alice, buy_in, "10.00")
    answer = await sud.notify(sud.vendor.settle([human(mallory, new_id(), buy_in, remain_score=1950)]))
    assert answer == {"ret_code": 1012, "ret_msg": "order belongs to another player or currency"}
    assert await sud.balance_of(mallory) == Decimal("100.00")


async def test_an_order_id_reused_for_another_amount_is_refused(sud: Sud) -> None:
    alice = await sud.player()
    buy_in, order = new_id(), new_id()
    await sud.buy_in(alice, buy_in, "10.00")
    assert await sud.notify(sud.vendor.settle([human(alice, order, buy_in, remain_score=1950)])) == OK
    answer = await sud.notify(sud.vendor.settle([human(alice, order, buy_in, remain_score=9950)]))
    assert answer == {"ret_code": 1013, "ret_msg": "order id already used for a different request"}
    assert await sud.balance_of(alice) == Decimal("109.50")


async def test_a_score_finer_than_the_currency_is_refused_never_rounded(sud_factory: SudFactory) -> None:
    sud = await sud_factory(point_value="0.001")  # 1 point = 0.001 USD: USD has 2 decimals
    alice = await sud.player()
    buy_in = new_id()
    await sud.buy_in(alice, buy_in, "10.00")
    answer = await sud.notify(sud.vendor.settle([human(alice, new_id(), buy_in, remain_score=19505)]))
    assert answer == {"ret_code": 1007, "ret_msg": "score does not convert exactly to the wallet currency"}
    assert await sud.balance_of(alice) == Decimal("90.00")
    # A whole number of cents goes through.
    assert await sud.notify(sud.vendor.settle([human(alice, new_id(), buy_in, remain_score=19500)])) == OK
    assert await sud.balance_of(alice) == Decimal("109.50")


async def test_unknown_fields_are_accepted_and_logged(sud: Sud, caplog: pytest.LogCaptureFixture) -> None:
    alice = await sud.player()
    buy_in = new_id()
    await sud.buy_in(alice, buy_in, "10.00")
    body = sud.vendor.settle([human(alice, new_id(), buy_in, remain_score=1950, seat=3), robot()], game_mode=2)
    with caplog.at_level(logging.INFO, logger="gateways.sud"):
        assert await sud.notify(body) == OK
    logged = [r for r in caplog.records if r.getMessage() == "unknown fields accepted"]
    assert [r.__dict__["fields"] for r in logged] == [["data.game_mode", "data.results[0].seat"]]
    assert await sud.balance_of(alice) == Decimal("109.50")


@pytest.mark.parametrize(
    ("case", "spoil"),
    [
        ("negative remain_score", {"remain_score": -1}),
        ("remain_score as text", {"remain_score": "1950"}),
        ("remain_score with a fraction", {"remain_score": 19.5}),
        ("remain_score beyond int64", {"remain_score": 2**63}),
        ("remain_score missing", {"remain_score": None}),
        ("is_ai neither 0 nor 1", {"is_ai": 2}),
        ("is_ai a boolean", {"is_ai": False}),
        ("uid empty for a human", {"uid": ""}),
        ("out_order_id missing", {"out_order_id": None}),
        ("order_id an object", {"order_id": {"id": 1}}),
    ],
)
async def test_a_bad_row_refuses_the_whole_notification(sud: Sud, case: str, spoil: dict[str, object]) -> None:
    alice, bob = await sud.player(), await sud.player()
    alice_in, bob_in = new_id(), new_id()
    await sud.buy_in(alice, alice_in, "10.00")
    await sud.buy_in(bob, bob_in, "10.00")
    bad = {**human(bob, new_id(), bob_in, remain_score=1950), **spoil}
    bad = {key: value for key, value in bad.items() if value is not None}
    body = sud.vendor.settle([human(alice, new_id(), alice_in, remain_score=1950), bad])
    answer = await sud.notify(body)
    assert answer["ret_code"] == 1001, case
    assert answer["ret_msg"] == "bad request: not JSON, or a field missing, mistyped or out of range"
    assert (await sud.balance_of(alice), await sud.balance_of(bob)) == (Decimal("90.00"), Decimal("90.00"))


@pytest.mark.parametrize(
    "data",
    [
        "not an object",
        {"mg_id": "1", "room_id": "2", "match_id": "3", "settle_at": "1663991011"},  # no results
        {"mg_id": "1", "room_id": "2", "match_id": "3", "settle_at": "1663991011", "results": {"uid": "u"}},
        {"mg_id": "1", "room_id": "2", "match_id": "3", "settle_at": "1663991011", "results": ["row"]},
    ],
)
async def test_a_bad_settlement_is_refused(sud: Sud, data: object) -> None:
    answer = await sud.notify(sud.vendor.envelope("sud.mg.merchant.user.settle", data))
    assert answer["ret_code"] == 1001


@pytest.mark.parametrize(
    ("spoil", "kept"),
    [
        # Once refused (1001), now applied: the money does not depend on any of these.
        ({"commission_score": -1}, {"commission_score": -1}),
        ({"score": None}, {"score": None}),
        ({"score": "200"}, {"score": "200"}),
        ({"commission_score": 1.5}, {"commission_score": "1.5"}),  # a fraction is stored as its text
        ({"commission_score": None}, {"commission_score": None}),
        ({"score": {"net": 200}}, {"score": {"net": 200}}),
    ],
)
async def test_an_odd_or_missing_description_in_a_row_is_kept_not_refused(
    sud: Sud, spoil: dict[str, object], kept: dict[str, object]
) -> None:
    alice = await sud.player()
    buy_in, order = new_id(), new_id()
    await sud.buy_in(alice, buy_in, "10.00")
    row = {key: value for key, value in {**human(alice, order, buy_in, remain_score=1950), **spoil}.items()
           if value is not None}  # fmt: skip
    assert await sud.notify(sud.vendor.settle([row])) == OK
    assert await sud.balance_of(alice) == Decimal("109.50")
    details = json_format.MessageToDict((await sud.transaction(order, CREDIT)).transaction.details)
    assert {key: details.get(key) for key in kept} == kept


@pytest.mark.parametrize(
    ("case", "data"),
    [
        # Once refused (1001), now applied: settle_at in another shape, or no description at all.
        ("settle_at in milliseconds", {"settle_at": "1663991011000"}),
        ("settle_at as a number", {"settle_at": 1663991011}),
        ("settle_at not a time", {"settle_at": "soon"}),
        ("settle_at empty", {"settle_at": ""}),
        ("mg_id missing", {"mg_id": None}),
        ("room_id an object", {"room_id": {"id": 9009}}),
        ("match_id too long for a round id", {"match_id": "m" * 200}),
        ("nothing but results", {"mg_id": None, "room_id": None, "match_id": None, "settle_at": None}),
    ],
)
async def test_an_odd_or_missing_settlement_description_is_kept_not_refused(
    sud: Sud, case: str, data: dict[str, object]
) -> None:
    alice = await sud.player()
    buy_in, order = new_id(), new_id()
    await sud.buy_in(alice, buy_in, "10.00")
    body = sud.vendor.settle([human(alice, order, buy_in, remain_score=1950)])
    body["data"] = {key: value for key, value in {**body["data"], **data}.items() if value is not None}
    assert await sud.notify(body) == OK, case
    assert await sud.notify(body) == OK, case  # SUD's re-send moves nothing
    assert await sud.balance_of(alice) == Decimal("109.50")
    credit = (await sud.transaction(order, CREDIT)).transaction
    details = json_format.MessageToDict(credit.details)
    for key, value in data.items():
        assert details.get(key) == value, case
    if case.startswith("settle_at in") or case.startswith("settle_at as"):
        assert credit.event_time.seconds == 1663991011
    if "settle_at" in data and not case.startswith("settle_at in") and not case.startswith("settle_at as"):
        assert not credit.HasField("event_time"), case


async def test_a_notification_repeating_an_order_id_is_refused(sud: Sud) -> None:
    alice = await sud.player()
    buy_in, order = new_id(), new_id()
    await sud.buy_in(alice, buy_in, "10.00")
    row = human(alice, order, buy_in, remain_score=1950)
    assert (await sud.notify(sud.vendor.settle([row, row])))["ret_code"] == 1001
    assert await sud.balance_of(alice) == Decimal("90.00")


async def test_a_remain_score_past_50_times_the_buy_in_holds_the_notification_until_approved(sud: Sud) -> None:
    alice, bob = await sud.player(), await sud.player()
    alice_in, bob_in = new_id(), new_id()
    await sud.buy_in(alice, alice_in, "10.00")
    await sud.buy_in(bob, bob_in, "10.00")
    body = sud.vendor.settle(
        [human(alice, new_id(), alice_in, remain_score=50001), human(bob, new_id(), bob_in, remain_score=1950)]
    )
    assert (await sud.notify(body))["ret_code"] == 1500  # SUD re-sends on any non-zero ret_code
    assert [await sud.balance_of(p) for p in (alice, bob)] == [Decimal("90.00"), Decimal("90.00")]
    await decide_hold(sud.core, None, approve=True)
    assert await sud.notify(body) == OK
    assert [await sud.balance_of(p) for p in (alice, bob)] == [Decimal("590.01"), Decimal("109.50")]
