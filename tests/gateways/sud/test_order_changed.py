"""order.changed end to end: a failed add_score order gives the buy-in back, once."""

from __future__ import annotations

import logging
from decimal import Decimal

import grpc
import pytest
from google.protobuf import json_format

from tests.gateways.sud.conftest import Sud, SudFactory
from tests.gateways.sud.vendor import human, new_id
from wallet.v1 import wallet_pb2

OK = {"ret_code": 0, "ret_msg": "SUCCESS"}
ROLLBACK = wallet_pb2.TRANSACTION_KIND_ROLLBACK


async def test_execute_fail_rolls_the_buy_in_back(sud: Sud) -> None:
    alice = await sud.player()
    buy_in = new_id()
    await sud.buy_in(alice, buy_in, "10.00")
    body = sud.vendor.order_changed(alice, buy_in)
    assert await sud.notify(body) == OK
    assert await sud.balance_of(alice) == Decimal("100.00")
    found = await sud.transaction(buy_in, ROLLBACK)
    cancel = found.transaction
    assert (cancel.reference_transaction_id, cancel.status) == (buy_in, wallet_pb2.TRANSACTION_STATUS_COMPLETED)
    assert (cancel.round_id, cancel.game_id, cancel.table_id) == (
        "ce56b6lzi1a7-cqhcr6fgdnwg-c5vfwwj9h6mz",
        "14615640800525066",
        "9009",
    )
    details = json_format.MessageToDict(cancel.details)
    assert (details["order_id"], details["cmd"], details["notify_id"]) == (
        f"sud-{buy_in}",
        "add_score",
        body["notify_id"],
    )
    assert cancel.event_time.ToMilliseconds() == int(body["notify_time"])
    assert found.related[0].bet.state == wallet_pb2.BET_STATE_CANCELLED


async def test_repeated_it_moves_nothing(sud: Sud) -> None:
    alice = await sud.player()
    buy_in = new_id()
    await sud.buy_in(alice, buy_in, "10.00")
    body = sud.vendor.order_changed(alice, buy_in)
    assert await sud.notify(body) == OK
    assert await sud.notify(body) == OK  # SUD's re-send
    assert await sud.notify(sud.vendor.order_changed(alice, buy_in)) == OK  # the same news, another notify_id
    assert await sud.balance_of(alice) == Decimal("100.00")


async def test_for_a_buy_in_never_seen_it_succeeds_and_the_late_buy_in_is_refused(sud: Sud) -> None:
    alice = await sud.player()
    buy_in = new_id()
    assert await sud.notify(sud.vendor.order_changed(alice, buy_in)) == OK
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await sud.buy_in(alice, buy_in, "10.00")
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert await sud.balance_of(alice) == Decimal("100.00")
    found = await sud.transaction(buy_in, ROLLBACK)
    assert found.transaction.status == wallet_pb2.TRANSACTION_STATUS_TOMBSTONE


@pytest.mark.parametrize("status", ["CREATED", "EXECUTING", "EXECUTE_SUCCESS", "SOMETHING_NEW"])
async def test_other_statuses_move_nothing(sud: Sud, status: str) -> None:
    alice = await sud.player()
    buy_in = new_id()
    await sud.buy_in(alice, buy_in, "10.00")
    assert await sud.notify(sud.vendor.order_changed(alice, buy_in, status)) == OK
    assert await sud.balance_of(alice) == Decimal("90.00")
    # and leave no tombstone: the buy-in can still be settled.
    assert await sud.notify(sud.vendor.settle([human(alice, new_id(), buy_in, remain_score=1000)])) == OK
    assert await sud.balance_of(alice) == Decimal("100.00")


async def test_other_statuses_need_no_more_than_a_status(sud: Sud) -> None:
    body = sud.vendor.envelope("sud.mg.merchant.order.changed", {"status": "EXECUTE_SUCCESS"})
    assert await sud.notify(body) == OK


async def test_a_failed_order_after_the_buy_in_was_settled_is_refused_and_logged(
    sud: Sud, caplog: pytest.LogCaptureFixture
) -> None:
    alice = await sud.player()
    buy_in = new_id()
    await sud.buy_in(alice, buy_in, "10.00")
    assert await sud.notify(sud.vendor.settle([human(alice, new_id(), buy_in, remain_score=1950)])) == OK
    with caplog.at_level(logging.WARNING, logger="gateways.sud.review"):
        answer = await sud.notify(sud.vendor.order_changed(alice, buy_in))
    assert answer == {"ret_code": 1011, "ret_msg": "buy-in order already settled"}
    assert "failed order's buy-in not rolled back" in caplog.messages
    assert await sud.balance_of(alice) == Decimal("109.50")
    assert (await sud.notify(sud.vendor.order_changed(alice, buy_in)))["ret_code"] == 1011  # decided: stays so


async def test_another_players_buy_in_is_not_rolled_back(sud: Sud) -> None:
    alice, mallory = await sud.player(), await sud.player()
    buy_in = new_id()
    await sud.buy_in(alice, buy_in, "10.00")
    assert (await sud.notify(sud.vendor.order_changed(mallory, buy_in)))["ret_code"] == 1012
    assert (await sud.balance_of(alice), await sud.balance_of(mallory)) == (Decimal("90.00"), Decimal("100.00"))


async def test_the_player_field_is_provisional(sud_factory: SudFactory) -> None:
    sud = await sud_factory(provisional={"order_player_field": "to_uid"})
    alice = await sud.player()
    buy_in = new_id()
    await sud.buy_in(alice, buy_in, "10.00")
    body = sud.vendor.order_changed("someone-else", buy_in, to_uid=alice)
    assert await sud.notify(body) == OK
    assert await sud.balance_of(alice) == Decimal("100.00")


async def test_a_failed_order_of_another_command_is_still_rolled_back_and_logged(
    sud: Sud, caplog: pytest.LogCaptureFixture
) -> None:
    alice = await sud.player()
    buy_in = new_id()
    await sud.buy_in(alice, buy_in, "10.00")
    with caplog.at_level(logging.WARNING, logger="gateways.sud"):
        assert await sud.notify(sud.vendor.order_changed(alice, buy_in, cmd="gift")) == OK
    assert "a failed order that is not an add_score: its debit, if any, goes back" in caplog.messages
    assert await sud.balance_of(alice) == Decimal("100.00")


@pytest.mark.parametrize(
    "spoil",
    [
        {"out_order_id": None},
        {"from_uid": None, "to_uid": None},
        {"from_uid": "", "to_uid": ""},
        {"status": None},
        {"status": 3},
        {"out_order_id": ["x"]},
        {"out_order_id": "x" * 129},
    ],
)
async def test_a_bad_failed_order_is_refused_and_moves_nothing(sud: Sud, spoil: dict[str, object]) -> None:
    alice = await sud.player()
    buy_in = new_id()
    await sud.buy_in(alice, buy_in, "10.00")
    body = sud.vendor.order_changed(alice, buy_in)
    body["data"] = {key: value for key, value in {**body["data"], **spoil}.items() if value is not None}
    assert (await sud.notify(body))["ret_code"] == 1001
    assert await sud.balance_of(alice) == Decimal("90.00")


@pytest.mark.parametrize(
    "spoil",
    [
        # Once refused (1001), now applied: the player is read from to_uid when from_uid is absent
        # (the core still refuses a player who is not the buy-in's), and cmd is description.
        {"from_uid": None},
        {"from_uid": ""},
        {"cmd": {"name": "add_score"}},
        {"round_id": None, "game_round_id": "gr-1"},
        {"round_id": {"id": 1}},
        {"mg_id": 14615640, "room_id": ["9009"], "value": "1", "seq": "x", "payload": "score=1"},
    ],
)
async def test_an_odd_or_missing_description_of_a_failed_order_is_kept_not_refused(
    sud: Sud, spoil: dict[str, object]
) -> None:
    alice = await sud.player()
    buy_in = new_id()
    await sud.buy_in(alice, buy_in, "10.00")
    body = sud.vendor.order_changed(alice, buy_in)
    body["data"] = {key: value for key, value in {**body["data"], **spoil}.items() if value is not None}
    assert await sud.notify(body) == OK
    assert await sud.notify(body) == OK
    assert await sud.balance_of(alice) == Decimal("100.00")
    details = json_format.MessageToDict((await sud.transaction(buy_in, ROLLBACK)).transaction.details)
    assert all(details.get(key) == value for key, value in spoil.items() if value not in (None, "")), details


async def test_the_round_is_read_from_game_round_id_or_round_id(sud: Sud) -> None:
    alice = await sud.player()
    first, second = new_id(), new_id()
    await sud.buy_in(alice, first, "10.00")
    await sud.buy_in(alice, second, "10.00")
    newer = sud.vendor.order_changed(alice, first, game_round_id="gr-new")
    del newer["data"]["round_id"]
    assert await sud.notify(newer) == OK
    assert await sud.notify(sud.vendor.order_changed(alice, second)) == OK  # the older round_id
    assert (await sud.transaction(first, ROLLBACK)).transaction.round_id == "gr-new"
    assert (await sud.transaction(second, ROLLBACK)).transaction.round_id == "ce56b6lzi1a7-cqhcr6fgdnwg-c5vfwwj9h6mz"
    assert await sud.balance_of(alice) == Decimal("100.00")


async def test_a_failed_order_without_descriptions_is_still_rolled_back(sud: Sud) -> None:
    alice = await sud.player()
    buy_in = new_id()
    await sud.buy_in(alice, buy_in, "10.00")
    data = {"out_order_id": buy_in, "from_uid": alice, "status": "EXECUTE_FAIL"}
    assert await sud.notify(sud.vendor.envelope("sud.mg.merchant.order.changed", data)) == OK
    assert await sud.balance_of(alice) == Decimal("100.00")
