"""cancel_bet end to end: HTTP -> gateway -> real core, on each store."""

from __future__ import annotations

import asyncio
import logging
from decimal import Decimal

import pytest

from gateways.hrg.times import format_timestamp
from gateways.kit.details import from_struct
from tests.gateways.hrg.conftest import HRG, new_id, stored_raw_request, transaction
from wallet.v1 import wallet_pb2

DEBIT = wallet_pb2.TRANSACTION_KIND_DEBIT
ROLLBACK = wallet_pb2.TRANSACTION_KIND_ROLLBACK


async def test_a_cancel_gives_the_stake_back(hrg: HRG) -> None:
    user, tx = await hrg.player("100.00"), new_id()
    await hrg.send("place_bet", hrg.vendor.place_bet(user, tx, "10.00"))
    body = hrg.vendor.cancel_bet(user, tx)
    answer = await hrg.send("cancel_bet", body)
    assert (answer["code"], answer["balance"]) == ("0000", "100.00")
    assert await hrg.balance_of(user) == Decimal("100.00")
    recorded = (await transaction(hrg.core, tx, ROLLBACK)).transaction
    assert answer["balanceTs"] == format_timestamp(recorded.created_at)
    assert recorded.bet.state == wallet_pb2.BET_STATE_CANCELLED
    assert from_struct(recorded.details) == {k: v for k, v in body.items() if k not in ("userId", "txId", "gameCode")}
    assert recorded.game_id == "BACCARAT"


async def test_a_repeated_cancel_succeeds_and_moves_nothing(hrg: HRG) -> None:
    user, tx = await hrg.player("100.00"), new_id()
    await hrg.send("place_bet", hrg.vendor.place_bet(user, tx, "10.00"))
    first = await hrg.send("cancel_bet", hrg.vendor.cancel_bet(user, tx))
    await hrg.send("place_bet", hrg.vendor.place_bet(user, new_id(), "1.00"))
    again = await hrg.send("cancel_bet", hrg.vendor.cancel_bet(user, tx, reason="RETRY"))
    assert again == first
    assert await hrg.balance_of(user) == Decimal("99.00")


async def test_a_cancel_for_a_bet_never_received_succeeds_and_refuses_the_late_bet(hrg: HRG) -> None:
    user, tx = await hrg.player("100.00"), new_id()
    body = hrg.vendor.cancel_bet(user, tx)
    answer = await hrg.send("cancel_bet", body)
    assert (answer["code"], answer["balance"]) == ("0000", "100.00")
    assert len(answer["balanceTs"]) == 28
    assert (await hrg.send("cancel_bet", hrg.vendor.cancel_bet(user, tx)))["code"] == "0000"
    late = await hrg.send("place_bet", hrg.vendor.place_bet(user, tx, "10.00"))
    assert late["code"] == "8001"
    assert await hrg.balance_of(user) == Decimal("100.00")
    recorded = (await transaction(hrg.core, tx, ROLLBACK)).transaction
    assert recorded.status == wallet_pb2.TRANSACTION_STATUS_TOMBSTONE
    assert await stored_raw_request(hrg.core, tx, "rollback")  # the cancel as received, not empty


async def test_a_cancel_for_a_player_without_an_account_still_succeeds(hrg: HRG) -> None:
    answer = await hrg.send("cancel_bet", hrg.vendor.cancel_bet("nobody", new_id()))
    assert answer == {"code": "0000"}


async def test_a_cancel_after_a_failed_bet_succeeds_and_moves_nothing(hrg: HRG) -> None:
    user, tx = await hrg.player("5.00"), new_id()
    assert (await hrg.send("place_bet", hrg.vendor.place_bet(user, tx, "10.00")))["code"] == "8001"
    assert (await hrg.send("cancel_bet", hrg.vendor.cancel_bet(user, tx)))["code"] == "0000"
    assert await hrg.balance_of(user) == Decimal("5.00")


async def test_a_cancel_after_settle_is_refused_for_a_person_to_handle(
    hrg: HRG, caplog: pytest.LogCaptureFixture
) -> None:
    user, tx = await hrg.player("100.00"), new_id()
    await hrg.send("place_bet", hrg.vendor.place_bet(user, tx, "10.00"))
    await hrg.send("settle", hrg.vendor.settle(user, tx, "10.00", "19.50"))
    with caplog.at_level(logging.WARNING, logger="gateways.hrg.review"):
        answer = await hrg.send("cancel_bet", hrg.vendor.cancel_bet(user, tx))
    assert answer["code"] == "9999"
    assert any(r.__dict__.get("reason") == "ALREADY_SETTLED" for r in caplog.records)
    assert await hrg.balance_of(user) == Decimal("109.50")


async def test_a_cancel_naming_another_player_is_refused(hrg: HRG) -> None:
    user, other, tx = await hrg.player("100.00"), await hrg.player("100.00"), new_id()
    await hrg.send("place_bet", hrg.vendor.place_bet(user, tx, "10.00"))
    assert (await hrg.send("cancel_bet", hrg.vendor.cancel_bet(other, tx)))["code"] == "1000"
    assert (await hrg.balance_of(user), await hrg.balance_of(other)) == (Decimal("90.00"), Decimal("100.00"))


async def test_a_cancel_with_an_odd_description_is_applied_and_keeps_it_as_sent(hrg: HRG) -> None:
    user, tx = await hrg.player("100.00"), new_id()
    await hrg.send("place_bet", hrg.vendor.place_bet(user, tx, "10.00"))
    body = hrg.vendor.cancel_bet(user, tx, reason=42, gameCode=None, roundId=["R", 1], ts="yesterday")
    answer = await hrg.send("cancel_bet", body)
    assert answer["code"] == "0000"
    assert await hrg.balance_of(user) == Decimal("100.00")
    recorded = (await transaction(hrg.core, tx, ROLLBACK)).transaction
    assert from_struct(recorded.details) == {k: v for k, v in body.items() if k not in ("userId", "txId")}
    assert (recorded.game_id, recorded.round_id) == ("", "")
    # No readable ts: the event time is when the cancel was received.
    assert abs(recorded.event_time.ToMilliseconds() - recorded.created_at.ToMilliseconds()) < 5_000


async def test_a_cancel_with_only_who_and_which_bet_is_applied(hrg: HRG) -> None:
    user, tx = await hrg.player("100.00"), new_id()
    await hrg.send("place_bet", hrg.vendor.place_bet(user, tx, "10.00"))
    body = {"userId": user, "txId": tx}
    assert (await hrg.send("cancel_bet", body))["code"] == "0000"
    assert (await hrg.send("cancel_bet", body))["code"] == "0000"
    assert await hrg.balance_of(user) == Decimal("100.00")
    recorded = (await transaction(hrg.core, tx, ROLLBACK)).transaction
    assert from_struct(recorded.details) == {}


@pytest.mark.parametrize("cancel_first", [True, False])
async def test_a_cancel_racing_its_bet_ends_in_one_consistent_state(hrg: HRG, cancel_first: bool) -> None:
    """Stake given back or never taken: never both, never neither."""
    user = await hrg.player("1000.00")
    outcomes = set()
    for _ in range(12):
        tx = new_id()
        bet = hrg.send("place_bet", hrg.vendor.place_bet(user, tx, "10.00"))
        cancel = hrg.send("cancel_bet", hrg.vendor.cancel_bet(user, tx))
        if cancel_first:
            cancelled, placed = await asyncio.gather(cancel, bet)
        else:
            placed, cancelled = await asyncio.gather(bet, cancel)
        assert cancelled["code"] == "0000"
        recorded = await transaction(hrg.core, tx, DEBIT)
        related = {(t.kind, t.status, t.balance_change) for t in recorded.related}
        if placed["code"] == "0000":
            # The stake was taken, then given back.
            assert recorded.transaction.bet.state == wallet_pb2.BET_STATE_CANCELLED
            assert related == {
                (wallet_pb2.TRANSACTION_KIND_DEBIT, wallet_pb2.TRANSACTION_STATUS_COMPLETED, "-10.00"),
                (wallet_pb2.TRANSACTION_KIND_ROLLBACK, wallet_pb2.TRANSACTION_STATUS_COMPLETED, "10.00"),
            }
        else:
            # The cancel came first: the stake was never taken.
            assert placed["code"] == "8001"
            assert recorded.transaction.bet.state == wallet_pb2.BET_STATE_TOMBSTONE
            assert recorded.transaction.status == wallet_pb2.TRANSACTION_STATUS_FAILED
        outcomes.add(placed["code"])
        assert await hrg.balance_of(user) == Decimal("1000.00")
    assert outcomes <= {"0000", "8001"}
