"""order.batch.changed end to end: every EXECUTE_FAIL entry gives its buy-in back once, nothing else moves."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest
from google.protobuf import json_format

from tests.gateways.sud.conftest import Sud
from tests.gateways.sud.vendor import batch_order, human, new_id
from wallet.v1 import wallet_pb2

OK = {"ret_code": 0, "ret_msg": "SUCCESS"}
ROLLBACK = wallet_pb2.TRANSACTION_KIND_ROLLBACK
FAIL, SUCCESS = "EXECUTE_FAIL", "EXECUTE_SUCCESS"


async def test_a_mix_rolls_back_each_failed_buy_in_and_nothing_else(sud: Sud) -> None:
    alice, bob = await sud.player(), await sud.player()
    alice_in, bob_in, alice_seated = new_id(), new_id(), new_id()
    await sud.buy_in(alice, alice_in, "10.00")
    await sud.buy_in(bob, bob_in, "20.00")
    await sud.buy_in(alice, alice_seated, "5.00")
    body = sud.vendor.order_batch_changed(
        [batch_order(alice, alice_in, FAIL), batch_order(alice, alice_seated, SUCCESS), batch_order(bob, bob_in, FAIL)]
    )
    assert await sud.notify(body) == OK
    assert (await sud.balance_of(alice), await sud.balance_of(bob)) == (Decimal("95.00"), Decimal("100.00"))
    assert await sud.notify(body) == OK  # SUD's re-send
    assert (await sud.balance_of(alice), await sud.balance_of(bob)) == (Decimal("95.00"), Decimal("100.00"))
    cancel = (await sud.transaction(bob_in, ROLLBACK)).transaction
    assert (cancel.round_id, cancel.game_id, cancel.table_id) == (
        "ce56b6lzi1a7-cqhcr6fgdnwg-c5vfwwj9h6mz",
        "14615640800525066",
        "9009",
    )
    details = json_format.MessageToDict(cancel.details)
    assert (details["order_id"], details["notify_id"], details["notify_event"], details["mg_id"]) == (
        f"sud-{bob_in}",
        body["notify_id"],
        "sud.mg.merchant.order.batch.changed",
        "14615640800525066",
    )
    # The successful order left the buy-in standing: it can still be settled.
    assert await sud.notify(sud.vendor.settle([human(alice, new_id(), alice_seated, remain_score=700)])) == OK
    assert await sud.balance_of(alice) == Decimal("102.00")


async def test_the_same_failures_in_a_single_order_changed_move_nothing_again(sud: Sud) -> None:
    alice = await sud.player()
    buy_in = new_id()
    await sud.buy_in(alice, buy_in, "10.00")
    assert await sud.notify(sud.vendor.order_changed(alice, buy_in)) == OK
    assert await sud.notify(sud.vendor.order_batch_changed([batch_order(alice, buy_in, FAIL)])) == OK
    assert await sud.balance_of(alice) == Decimal("100.00")


async def test_after_a_partial_failure_the_resend_applies_only_what_is_missing(
    sud: Sud, caplog: pytest.LogCaptureFixture
) -> None:
    alice, bob = await sud.player(), await sud.player()
    alice_in, bob_in = new_id(), new_id()
    await sud.buy_in(alice, alice_in, "10.00")
    await sud.buy_in(bob, bob_in, "20.00")
    # Bob's entry names Alice: the core refuses it (another player's buy-in); Alice's still goes back.
    body = sud.vendor.order_batch_changed([batch_order(alice, bob_in, FAIL), batch_order(alice, alice_in, FAIL)])
    with caplog.at_level(logging.WARNING, logger="gateways.sud.review"):
        answer = await sud.notify(body)
    assert answer == {"ret_code": 1012, "ret_msg": "order belongs to another player or currency"}
    assert "failed order's buy-in not rolled back" in caplog.messages
    assert (await sud.balance_of(alice), await sud.balance_of(bob)) == (Decimal("100.00"), Decimal("80.00"))
    assert (await sud.notify(body))["ret_code"] == 1012  # the re-send: Alice's is a replay, Bob's still refused
    assert await sud.balance_of(alice) == Decimal("100.00")
    # SUD corrects the entry: only Bob's buy-in moves now.
    fixed = sud.vendor.order_batch_changed([batch_order(bob, bob_in, FAIL), batch_order(alice, alice_in, FAIL)])
    assert await sud.notify(fixed) == OK
    assert (await sud.balance_of(alice), await sud.balance_of(bob)) == (Decimal("100.00"), Decimal("100.00"))


async def test_a_failed_entry_for_a_buy_in_not_seen_yet_leaves_a_tombstone(sud: Sud) -> None:
    alice = await sud.player()
    buy_in = new_id()
    assert await sud.notify(sud.vendor.order_batch_changed([batch_order(alice, buy_in, FAIL)])) == OK
    found = await sud.transaction(buy_in, ROLLBACK)
    assert found.transaction.status == wallet_pb2.TRANSACTION_STATUS_TOMBSTONE
    assert await sud.balance_of(alice) == Decimal("100.00")


async def test_entries_with_only_their_money_fields_are_applied(sud: Sud) -> None:
    alice = await sud.player()
    buy_in = new_id()
    await sud.buy_in(alice, buy_in, "10.00")
    entry = {"status": FAIL, "out_order_id": buy_in, "from_uid": alice}
    body = {"app_id": sud.vendor.app_id, "notify_event": "sud.mg.merchant.order.batch.changed", "data": {
        "orders": [entry, {"status": SUCCESS}]}}  # fmt: skip
    assert await sud.notify(body) == OK
    assert await sud.notify(body) == OK
    assert await sud.balance_of(alice) == Decimal("100.00")


async def test_an_empty_batch_moves_nothing(sud: Sud) -> None:
    assert await sud.notify(sud.vendor.order_batch_changed([])) == OK


@pytest.mark.parametrize(
    "spoil",
    [{"out_order_id": None}, {"from_uid": None, "to_uid": None}, {"status": None}, {"out_order_id": {"id": 1}}],
)
async def test_one_bad_entry_refuses_the_batch_before_anything_moves(sud: Sud, spoil: dict[str, object]) -> None:
    alice = await sud.player()
    alice_in, other_in = new_id(), new_id()
    await sud.buy_in(alice, alice_in, "10.00")
    await sud.buy_in(alice, other_in, "10.00")
    bad = {key: value for key, value in {**batch_order(alice, other_in, FAIL), **spoil}.items() if value is not None}
    body = sud.vendor.order_batch_changed([batch_order(alice, alice_in, FAIL), bad])
    assert (await sud.notify(body))["ret_code"] == 1001
    assert await sud.balance_of(alice) == Decimal("80.00")


@pytest.mark.parametrize("data", ["not an object", {"mg_id": "1"}, {"orders": {"status": FAIL}}, {"orders": ["x"]}])
async def test_a_bad_batch_is_refused(sud: Sud, data: object) -> None:
    answer = await sud.notify(sud.vendor.envelope("sud.mg.merchant.order.batch.changed", data))
    assert answer["ret_code"] == 1001
