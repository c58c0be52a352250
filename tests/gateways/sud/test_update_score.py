"""update_score end to end: type 1 debits, type 2 credits, the balance answered in points."""

from __future__ import annotations

import asyncio
import json
import logging
from decimal import Decimal

import pytest
from google.protobuf import json_format

from tests.gateways.sud.conftest import Sud, SudFactory
from tests.gateways.sud.vendor import human, new_id, now_ms
from tests.wallet_core.helpers import decide_hold, set_daily_budget
from wallet.v1 import wallet_pb2

CONSUME, GAIN = 1, 2


def ok(score: int) -> dict[str, object]:
    return {"ret_code": 0, "ret_msg": "SUCCESS", "data": {"score": score}}


DUPLICATE = {"ret_code": 9001, "ret_msg": "duplicate order id"}


async def test_consume_debits_and_answers_the_balance_in_points(sud: Sud) -> None:
    alice = await sud.player()
    order = new_id()
    assert await sud.update_score(sud.vendor.update_score(alice, order, 1050, CONSUME)) == ok(8950)
    assert await sud.balance_of(alice) == Decimal("89.50")
    found = await sud.transaction(f"us:{order}", wallet_pb2.TRANSACTION_KIND_DEBIT)
    assert (found.transaction.amount, found.transaction.round_id, found.transaction.game_id) == (
        "10.50",
        "r-01",
        "1461227817776713818",
    )
    # the points, the type and the order id as SUD sent them; not what the transaction's own fields hold
    assert json_format.MessageToDict(found.transaction.details) == {"order_id": order, "score": 1050, "type": CONSUME}


async def test_an_order_id_shared_with_a_buy_in_and_a_settlement_is_another_order(sud: Sud) -> None:
    alice = await sud.player()
    shared = new_id()
    await sud.buy_in(alice, shared, "10.00")
    # SUD's update_score order ids and settlement order ids, the operator's out_order_ids: one id, three orders.
    assert await sud.update_score(sud.vendor.update_score(alice, shared, 500, CONSUME)) == ok(8500)
    assert await sud.update_score(sud.vendor.update_score(alice, shared, 200, GAIN)) == ok(8700)
    assert (await sud.notify(sud.vendor.settle([human(alice, shared, shared, remain_score=1000)])))["ret_code"] == 0
    assert await sud.balance_of(alice) == Decimal("97.00")


async def test_without_the_prefix_an_order_sharing_a_buy_ins_id_is_taken_for_it(sud_factory: SudFactory) -> None:
    sud = await sud_factory(update_score_id_prefix="")  # the keys of a gateway before the prefix
    alice = await sud.player()
    shared = new_id()
    await sud.buy_in(alice, shared, "10.00")
    assert await sud.update_score(sud.vendor.update_score(alice, shared, 1000, CONSUME)) == DUPLICATE
    assert await sud.balance_of(alice) == Decimal("90.00")  # the consume never happened


async def test_gain_credits_without_a_bet(sud: Sud) -> None:
    alice = await sud.player()
    assert await sud.update_score(sud.vendor.update_score(alice, new_id(), 250, GAIN)) == ok(10250)
    assert await sud.balance_of(alice) == Decimal("102.50")


async def test_insufficient_balance_is_9000_and_stays_decided(sud: Sud) -> None:
    alice = await sud.player()
    order = new_id()
    body = sud.vendor.update_score(alice, order, 10001, CONSUME)
    assert await sud.update_score(body) == {"ret_code": 9000, "ret_msg": "insufficient balance"}
    assert await sud.update_score(sud.vendor.update_score(alice, new_id(), 5000, GAIN)) == ok(15000)
    # Now the balance would cover it, but the refusal was decided: SUD's re-send gets it again.
    assert await sud.update_score(body) == {"ret_code": 9000, "ret_msg": "insufficient balance"}
    assert await sud.balance_of(alice) == Decimal("150.00")


async def test_a_consume_past_the_players_limit_is_9000_and_stays_decided(sud: Sud) -> None:
    alice = await sud.player()
    await sud.core.set_limits(sud.wallet_id(alice), "USD", max_stake="10")
    body = sud.vendor.update_score(alice, new_id(), 1001, CONSUME)
    assert await sud.update_score(body) == {"ret_code": 9000, "ret_msg": "insufficient balance"}
    await sud.core.set_limits(sud.wallet_id(alice), "USD")
    assert await sud.update_score(body) == {"ret_code": 9000, "ret_msg": "insufficient balance"}
    assert await sud.update_score(sud.vendor.update_score(alice, new_id(), 1001, CONSUME)) == ok(8999)


async def test_a_blocked_players_consume_is_1014_and_stays_decided_and_a_gain_is_credited(sud: Sud) -> None:
    alice = await sud.player()
    await sud.core.set_blocked(sud.wallet_id(alice), True)
    body = sud.vendor.update_score(alice, new_id(), 1000, CONSUME)
    blocked = {"ret_code": 1014, "ret_msg": "player blocked by the operator: no bet taken"}
    assert await sud.update_score(body) == blocked
    assert await sud.update_score(sud.vendor.update_score(alice, new_id(), 500, GAIN)) == ok(10500)
    await sud.core.set_blocked(sud.wallet_id(alice), False)
    assert await sud.update_score(body) == blocked  # SUD's re-send gets the recorded refusal
    assert await sud.balance_of(alice) == Decimal("105.00")


async def test_an_identical_repeat_is_9001_and_moves_nothing(sud: Sud) -> None:
    alice = await sud.player()
    order = new_id()
    body = sud.vendor.update_score(alice, order, 1000, CONSUME)
    assert await sud.update_score(body) == ok(9000)
    assert await sud.update_score(body) == DUPLICATE
    gain = sud.vendor.update_score(alice, new_id(), 500, GAIN)
    assert await sud.update_score(gain) == ok(9500)
    assert await sud.update_score(gain) == DUPLICATE
    assert await sud.balance_of(alice) == Decimal("95.00")


async def test_a_repeat_may_be_answered_with_the_original_balance(sud_factory: SudFactory) -> None:
    sud = await sud_factory(provisional={"update_score_replay_answer": "success"})
    alice = await sud.player()
    body = sud.vendor.update_score(alice, new_id(), 1000, CONSUME)
    assert await sud.update_score(body) == ok(9000)
    assert await sud.update_score(sud.vendor.update_score(alice, new_id(), 500, GAIN)) == ok(9500)
    assert await sud.update_score(body) == ok(9000)  # the original result, not the current balance
    assert await sud.balance_of(alice) == Decimal("95.00")


async def test_an_order_id_reused_for_another_order_is_9001(sud: Sud) -> None:
    alice = await sud.player()
    order = new_id()
    assert await sud.update_score(sud.vendor.update_score(alice, order, 1000, CONSUME)) == ok(9000)
    assert await sud.update_score(sud.vendor.update_score(alice, order, 2000, CONSUME)) == DUPLICATE
    assert await sud.balance_of(alice) == Decimal("90.00")


async def test_concurrent_repeats_debit_once(sud: Sud) -> None:
    alice = await sud.player()
    body = sud.vendor.update_score(alice, new_id(), 1000, CONSUME)
    answers = await asyncio.gather(*(sud.update_score(body) for _ in range(5)))
    assert sorted(answer["ret_code"] for answer in answers) == [0, 9001, 9001, 9001, 9001]
    assert await sud.balance_of(alice) == Decimal("90.00")


async def test_a_balance_that_is_not_whole_points_is_shown_floored(sud_factory: SudFactory) -> None:
    sud = await sud_factory(point_value="1.00")  # the demo's rate: 1 point = 1.00 USD
    alice = await sud.player("100.50")
    assert await sud.update_score(sud.vendor.update_score(alice, new_id(), 10, CONSUME)) == ok(90)
    assert await sud.balance_of(alice) == Decimal("90.50")  # the half point is kept, only not shown


async def test_a_player_without_an_account_is_refused(sud: Sud) -> None:
    answer = await sud.update_score(sud.vendor.update_score("nobody", new_id(), 10, GAIN))
    assert answer == {"ret_code": 1008, "ret_msg": "player has no wallet account"}


async def test_unknown_fields_are_accepted_and_logged(sud: Sud, caplog: pytest.LogCaptureFixture) -> None:
    alice = await sud.player()
    body = sud.vendor.update_score(alice, new_id(), 100, GAIN, app_id="x", extra={"a": 1})
    with caplog.at_level(logging.INFO, logger="gateways.sud"):
        assert await sud.update_score(body) == ok(10100)
    logged = [r.__dict__["fields"] for r in caplog.records if r.getMessage() == "unknown fields accepted"]
    assert logged == [["app_id", "extra"]]


def _bodies(uid: str, order: str) -> dict[str, bytes | dict[str, object]]:
    good = {"order_id": order, "mg_id": "1", "round_id": "r", "uid": uid, "score": 1000, "type": CONSUME}
    return {
        "malformed json": b'{"order_id": "1", "score": ',
        "not an object": json.dumps([good]).encode(),
        "not utf-8": b'{"order_id": "\xff"}',
        "duplicate key": f'{{"order_id": "{order}", "order_id": "x", "uid": "{uid}", "score": 1, "type": 1}}'.encode(),
        "score missing": {k: v for k, v in good.items() if k != "score"},
        "uid missing": {k: v for k, v in good.items() if k != "uid"},
        "order_id missing": {k: v for k, v in good.items() if k != "order_id"},
        "type missing": {k: v for k, v in good.items() if k != "type"},
        "score as text": {**good, "score": "1000"},
        "score negative": {**good, "score": -1000},
        "score with a fraction": f'{{"order_id": "{order}", "uid": "{uid}", "score": 1000.5, "type": 1}}'.encode(),
        "score with an exponent": f'{{"order_id": "{order}", "uid": "{uid}", "score": 1e3, "type": 1}}'.encode(),
        "score NaN": f'{{"order_id": "{order}", "uid": "{uid}", "score": NaN, "type": 1}}'.encode(),
        "score beyond int64": {**good, "score": 2**63},
        "score a boolean": {**good, "score": True},
        "type 3": {**good, "type": 3},
        "type as text": {**good, "type": "1"},
        "uid an object": {**good, "uid": {"id": uid}},
        "order_id too long": {**good, "order_id": "x" * 129},
        "order_id too long behind the prefix": {**good, "order_id": "x" * 126},
    }


@pytest.mark.parametrize("case", list(_bodies("u", "o")))
async def test_bad_input_is_1001_and_moves_nothing(sud: Sud, case: str) -> None:
    alice = await sud.player()
    order = new_id()
    answer = await sud.update_score(_bodies(alice, order)[case])
    assert answer == {
        "ret_code": 1001,
        "ret_msg": "bad request: not JSON, or a field missing, mistyped or out of range",
    }
    assert await sud.balance_of(alice) == Decimal("100.00")
    # Nothing was decided under the id.
    assert await sud.update_score(sud.vendor.update_score(alice, order, 1000, CONSUME)) == ok(9000)


async def test_it_is_signed_like_the_notifications(sud: Sud) -> None:
    alice = await sud.player()
    body = json.dumps(sud.vendor.update_score(alice, new_id(), 1000, CONSUME)).encode()
    headers = sud.vendor.headers(body)
    headers["Sud-Signature"] = sud.vendor.headers(b"{}")["Sud-Signature"]
    assert (await sud.update_score(body, headers))["ret_code"] == 1003
    stale = sud.vendor.headers(body, timestamp=str(now_ms() - 11 * 60 * 1000))
    assert (await sud.update_score(body, stale))["ret_code"] == 1005
    assert await sud.balance_of(alice) == Decimal("100.00")


async def test_a_gain_past_the_days_budget_is_held_with_send_again_later_until_approved(sud: Sud) -> None:
    await set_daily_budget(sud.core, "sud", "USD", 5_00)
    alice, order = await sud.player(), new_id()
    held = await sud.update_score(sud.vendor.update_score(alice, order, 501, GAIN))
    assert held["ret_code"] == 1500  # SUD re-sends on any non-zero ret_code
    assert await sud.balance_of(alice) == Decimal("100.00")
    await decide_hold(sud.core, None, approve=True)
    assert await sud.update_score(sud.vendor.update_score(alice, order, 501, GAIN)) == ok(10501)
