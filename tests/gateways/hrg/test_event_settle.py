"""event_settle end to end: HTTP -> gateway -> real core, on each store."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

from gateways.hrg.event_settle import wallet_transaction_id
from gateways.kit.details import from_struct
from tests.gateways.hrg.conftest import HRG, stored_raw_request, transaction
from tests.wallet_core.helpers import decide_hold, set_daily_budget
from wallet.v1 import wallet_pb2

CREDIT = wallet_pb2.TRANSACTION_KIND_CREDIT


def settle_id() -> str:
    return "S-" + uuid.uuid4().hex[:12]


async def test_a_batch_credits_every_item(hrg: HRG) -> None:
    alice, bob = await hrg.player("10.00"), await hrg.player("20.00")
    answer = await hrg.send(
        "event_settle",
        hrg.vendor.event_settle(
            hrg.vendor.promotion(settle_id(), alice, "5.00"),
            hrg.vendor.promotion(settle_id(), bob, "7.5"),
        ),
    )
    assert answer == {"code": "0000"}
    assert (await hrg.balance_of(alice), await hrg.balance_of(bob)) == (Decimal("15.00"), Decimal("27.50"))


async def test_a_repeated_batch_credits_each_settle_id_once(hrg: HRG) -> None:
    alice, bob = await hrg.player("10.00"), await hrg.player("20.00")
    first, second = hrg.vendor.promotion(settle_id(), alice, "5.00"), hrg.vendor.promotion(settle_id(), bob, "1.00")
    assert (await hrg.send("event_settle", hrg.vendor.event_settle(first)))["code"] == "0000"
    assert (await hrg.send("event_settle", hrg.vendor.event_settle(first)))["code"] == "0000"
    assert (await hrg.send("event_settle", hrg.vendor.event_settle(first, second)))["code"] == "0000"
    assert (await hrg.balance_of(alice), await hrg.balance_of(bob)) == (Decimal("15.00"), Decimal("21.00"))


async def test_a_batch_is_credited_all_or_none(hrg: HRG) -> None:
    alice = await hrg.player("10.00")
    answer = await hrg.send(
        "event_settle",
        hrg.vendor.event_settle(
            hrg.vendor.promotion(settle_id(), alice, "5.00"),
            hrg.vendor.promotion(settle_id(), "nobody", "5.00"),
        ),
    )
    assert answer["code"] == "1000"
    assert await hrg.balance_of(alice) == Decimal("10.00")


async def test_a_batch_with_a_settle_id_credited_for_another_amount_credits_none(hrg: HRG) -> None:
    alice, bob = await hrg.player("10.00"), await hrg.player("20.00")
    paid = settle_id()
    await hrg.send("event_settle", hrg.vendor.event_settle(hrg.vendor.promotion(paid, alice, "5.00")))
    answer = await hrg.send(
        "event_settle",
        hrg.vendor.event_settle(
            hrg.vendor.promotion(settle_id(), bob, "1.00"),
            hrg.vendor.promotion(paid, alice, "6.00"),
        ),
    )
    assert answer["code"] == "9999"
    assert (await hrg.balance_of(alice), await hrg.balance_of(bob)) == (Decimal("15.00"), Decimal("20.00"))


async def test_a_batch_repeating_a_settle_id_is_refused(hrg: HRG) -> None:
    alice = await hrg.player("10.00")
    item = hrg.vendor.promotion(settle_id(), alice, "5.00")
    assert (await hrg.send("event_settle", hrg.vendor.event_settle(item, item)))["code"] == "1001"
    assert await hrg.balance_of(alice) == Decimal("10.00")


async def test_a_bad_item_refuses_the_whole_batch(hrg: HRG) -> None:
    alice = await hrg.player("10.00")
    for bad in (
        {"amount": "-5.00"},
        {"amount": "5.001"},
        {"amount": "5.00001"},
        {"amount": 5},
        {"userId": ""},
        {"settleId": None},
    ):
        answer = await hrg.send(
            "event_settle",
            hrg.vendor.event_settle(
                hrg.vendor.promotion(settle_id(), alice, "5.00"),
                {**hrg.vendor.promotion(settle_id(), alice, "1.00"), **bad},
            ),
        )
        assert answer["code"] == "1001", bad
    assert await hrg.balance_of(alice) == Decimal("10.00")


async def test_an_item_with_an_odd_description_is_credited_and_keeps_it_as_sent(hrg: HRG) -> None:
    alice = await hrg.player("10.00")
    item = {**hrg.vendor.promotion(settle_id(), alice, "5.00"), "createTime": "today", "eventId": ["EV"]}
    body = {"settles": [item]}  # no ts either
    assert (await hrg.send("event_settle", body))["code"] == "0000"
    assert (await hrg.send("event_settle", body))["code"] == "0000"
    assert await hrg.balance_of(alice) == Decimal("15.00")
    recorded = (await transaction(hrg.core, wallet_transaction_id(item["settleId"]), CREDIT)).transaction
    assert from_struct(recorded.details) == {**item, "batchIndex": 0, "batchSize": 1}
    assert recorded.round_id == ""
    assert abs(recorded.event_time.ToMilliseconds() - recorded.created_at.ToMilliseconds()) < 5_000


async def test_promotion_ids_never_meet_bet_ids(hrg: HRG) -> None:
    alice = await hrg.player("100.00")
    shared = "TX-" + uuid.uuid4().hex[:12]
    await hrg.send("place_bet", hrg.vendor.place_bet(alice, shared, "10.00"))
    assert (await hrg.send("event_settle", hrg.vendor.event_settle(hrg.vendor.promotion(shared, alice, "5.00"))))[
        "code"
    ] == "0000"
    assert (await hrg.send("settle", hrg.vendor.settle(alice, shared, "10.00", "20.00")))["code"] == "0000"
    assert await hrg.balance_of(alice) == Decimal("115.00")


async def test_each_credit_keeps_its_item_and_the_batch_keeps_its_raw_body(hrg: HRG) -> None:
    alice, bob = await hrg.player("10.00"), await hrg.player("20.00")
    first = hrg.vendor.promotion(settle_id(), alice, "5.00", extra=1.25)
    second = hrg.vendor.promotion(settle_id(), bob, "1.00", eventId=99, rate=2.5, tags=["a", "é"])
    body = hrg.vendor.event_settle(first, second)
    raw = json.dumps(body, indent=2)
    assert (await hrg.send("event_settle", raw.encode()))["code"] == "0000"

    one = (await transaction(hrg.core, wallet_transaction_id(first["settleId"]), CREDIT)).transaction
    assert from_struct(one.details) == {**first, "extra": "1.25", "ts": body["ts"], "batchIndex": 0, "batchSize": 2}
    assert (one.round_id, one.reference_transaction_id, one.amount) == ("EV-1", "", "5.00")
    assert await stored_raw_request(hrg.core, wallet_transaction_id(first["settleId"]), "credit") == raw

    two = (await transaction(hrg.core, wallet_transaction_id(second["settleId"]), CREDIT)).transaction
    assert from_struct(two.details) == {**second, "rate": "2.5", "ts": body["ts"], "batchIndex": 1, "batchSize": 2}
    assert two.round_id == "99"
    stored = await stored_raw_request(hrg.core, wallet_transaction_id(second["settleId"]), "credit")
    assert stored.startswith('{"settleId":') and '"rate":2.5' in stored and '"é"' in stored
    assert json.loads(stored) == second


async def test_promotions_past_the_days_budget_are_held_never_0000_until_approved(hrg: HRG) -> None:
    await set_daily_budget(hrg.core, "hrg", "USD", 10_00)
    alice = await hrg.player("0")
    body = hrg.vendor.event_settle(
        hrg.vendor.promotion(settle_id(), alice, "6.00"), hrg.vendor.promotion(settle_id(), alice, "5.00")
    )
    assert (await hrg.send("event_settle", body))["code"] != "0000"  # HRG re-sends until 0000
    assert await hrg.balance_of(alice) == Decimal("0")
    await decide_hold(hrg.core, None, approve=True)
    assert await hrg.send("event_settle", body) == {"code": "0000"}
    assert await hrg.balance_of(alice) == Decimal("11.00")
