"""settle end to end: HTTP -> gateway -> real core, on each store."""

from __future__ import annotations

import json
import logging
from decimal import Decimal

import pytest

from gateways.hrg.times import format_timestamp
from gateways.kit.details import from_struct
from tests.gateways.hrg.conftest import HRG, new_id, stored_raw_request, transaction
from tests.gateways.hrg.vendor import hrg_time
from tests.wallet_core.helpers import decide_hold
from wallet.v1 import wallet_pb2

CREDIT = wallet_pb2.TRANSACTION_KIND_CREDIT


def review_reasons(caplog: pytest.LogCaptureFixture) -> list[object]:
    return [r.__dict__.get("reason") for r in caplog.records if r.name == "gateways.hrg.review"]


async def test_a_win_credits_the_gross_amount(hrg: HRG) -> None:
    user, tx = await hrg.player("100.00"), new_id()
    await hrg.send("place_bet", hrg.vendor.place_bet(user, tx, "10.00"))
    answer = await hrg.send("settle", hrg.vendor.settle(user, tx, "10.00", "19.50"))
    assert (answer["code"], answer["balance"]) == ("0000", "109.50")
    assert await hrg.balance_of(user) == Decimal("109.50")
    recorded = (await transaction(hrg.core, tx, CREDIT)).transaction
    assert answer["balanceTs"] == format_timestamp(recorded.created_at)
    assert recorded.bet.state == wallet_pb2.BET_STATE_SETTLED
    assert recorded.reference_transaction_id == tx


async def test_the_seed_loss_closes_the_bet_and_credits_nothing(hrg: HRG) -> None:
    user, tx = await hrg.player("100.00"), new_id()
    await hrg.send("place_bet", hrg.vendor.place_bet(user, tx, "10.0"))
    answer = await hrg.send("settle", hrg.vendor.settle(user, tx, "10.0", "0.0"))
    assert (answer["code"], answer["balance"]) == ("0000", "90.00")
    recorded = (await transaction(hrg.core, tx, CREDIT)).transaction
    assert recorded.bet.state == wallet_pb2.BET_STATE_SETTLED
    assert await hrg.balance_of(user) == Decimal("90.00")


async def test_a_repeated_settle_answers_0000_and_moves_nothing(hrg: HRG) -> None:
    user, tx = await hrg.player("100.00"), new_id()
    await hrg.send("place_bet", hrg.vendor.place_bet(user, tx, "10.00"))
    body = hrg.vendor.settle(user, tx, "10.00", "19.50")
    first = await hrg.send("settle", body)
    await hrg.send("place_bet", hrg.vendor.place_bet(user, new_id(), "1.00"))
    again = await hrg.send("settle", {**body, "ts": hrg_time(), "winAmount": "19.5000"})
    assert again == first
    assert await hrg.balance_of(user) == Decimal("108.50")


async def test_the_round_s_facts_and_the_raw_body_are_kept(hrg: HRG) -> None:
    user, tx = await hrg.player("100.00"), new_id()
    await hrg.send("place_bet", hrg.vendor.place_bet(user, tx, "10.00"))
    body = hrg.vendor.settle(user, tx, "10.00", "19.50", fee="0.05", commission="0.1")
    raw = json.dumps(body, indent=1)
    assert (await hrg.send("settle", raw.encode()))["code"] == "0000"
    recorded = (await transaction(hrg.core, tx, CREDIT)).transaction
    facts = from_struct(recorded.details)
    assert facts == {k: v for k, v in body.items() if k not in ("userId", "txId", "winAmount", "roundId", "gameCode")}
    assert (facts["status"], facts["odds"], facts["commission"], facts["fee"]) == ("WIN", "0.95", "0.1", "0.05")
    assert facts["result"] == ["H03", "C01", "C01", "C05", "S05", "C06"]
    assert (facts["validBetAmount"], facts["betAmount"], facts["gameType"]) == ("10.00", "10.00", "LIVE")
    assert (recorded.round_id, recorded.game_id, recorded.amount) == (body["roundId"], "BACCARAT", "19.50")
    assert format_timestamp(recorded.event_time) == body["ts"]
    assert await stored_raw_request(hrg.core, tx, "credit") == raw


async def test_a_settle_for_an_unknown_bet_is_never_0000_and_is_paid_once_the_bet_is_known(hrg: HRG) -> None:
    user, tx = await hrg.player("100.00"), new_id()
    body = hrg.vendor.settle(user, tx, "10.00", "19.50")
    assert (await hrg.send("settle", body))["code"] == "9999"
    assert (await hrg.send("settle", body))["code"] == "9999"
    assert await hrg.balance_of(user) == Decimal("100.00")
    # The bet turns up late; HRG's next retry of the settle pays it.
    await hrg.send("place_bet", hrg.vendor.place_bet(user, tx, "10.00"))
    assert (await hrg.send("settle", body))["code"] == "0000"
    assert await hrg.balance_of(user) == Decimal("109.50")


async def test_a_settle_for_a_cancelled_bet_is_refused_and_logged(hrg: HRG, caplog: pytest.LogCaptureFixture) -> None:
    user, tx = await hrg.player("100.00"), new_id()
    await hrg.send("place_bet", hrg.vendor.place_bet(user, tx, "10.00"))
    await hrg.send("cancel_bet", hrg.vendor.cancel_bet(user, tx))
    with caplog.at_level(logging.WARNING, logger="gateways.hrg.review"):
        assert (await hrg.send("settle", hrg.vendor.settle(user, tx, "10.00", "19.50")))["code"] == "9999"
    assert review_reasons(caplog) == ["ALREADY_ROLLED_BACK"]
    assert await hrg.balance_of(user) == Decimal("100.00")


async def test_a_second_settle_with_another_amount_is_never_paid(hrg: HRG, caplog: pytest.LogCaptureFixture) -> None:
    user, tx = await hrg.player("100.00"), new_id()
    await hrg.send("place_bet", hrg.vendor.place_bet(user, tx, "10.00"))
    await hrg.send("settle", hrg.vendor.settle(user, tx, "10.00", "19.50"))
    with caplog.at_level(logging.WARNING, logger="gateways.hrg.review"):
        assert (await hrg.send("settle", hrg.vendor.settle(user, tx, "10.00", "29.50")))["code"] == "9999"
    assert review_reasons(caplog) == ["IDEMPOTENCY_CONFLICT"]
    assert await hrg.balance_of(user) == Decimal("109.50")


async def test_a_settle_for_another_player_s_bet_is_refused(hrg: HRG) -> None:
    user, other, tx = await hrg.player("100.00"), await hrg.player("100.00"), new_id()
    await hrg.send("place_bet", hrg.vendor.place_bet(user, tx, "10.00"))
    assert (await hrg.send("settle", hrg.vendor.settle(other, tx, "10.00", "19.50")))["code"] == "1000"
    assert (await hrg.balance_of(user), await hrg.balance_of(other)) == (Decimal("90.00"), Decimal("100.00"))


async def test_a_win_finer_than_the_currency_is_refused_and_moves_nothing(hrg: HRG) -> None:
    user, tx = await hrg.player("100.00"), new_id()
    await hrg.send("place_bet", hrg.vendor.place_bet(user, tx, "10.00"))
    assert (await hrg.send("settle", hrg.vendor.settle(user, tx, "10.00", "19.5050")))["code"] == "1001"
    assert (await hrg.send("settle", hrg.vendor.settle(user, tx, "10.00", "19.50001")))["code"] == "1001"
    assert await hrg.balance_of(user) == Decimal("90.00")


async def test_a_settle_naming_another_stake_is_paid_and_logged(hrg: HRG, caplog: pytest.LogCaptureFixture) -> None:
    user, tx = await hrg.player("100.00"), new_id()
    await hrg.send("place_bet", hrg.vendor.place_bet(user, tx, "10.00"))
    with caplog.at_level(logging.WARNING, logger="gateways.hrg.review"):
        assert (await hrg.send("settle", hrg.vendor.settle(user, tx, "20.00", "19.50")))["code"] == "0000"
    [logged] = [r for r in caplog.records if r.name == "gateways.hrg.review"]
    assert (logged.__dict__["bet_amount"], logged.__dict__["stake"]) == ("20.00", "10.00")
    assert await hrg.balance_of(user) == Decimal("109.50")


async def test_a_settle_with_only_its_money_fields_is_paid_once_and_records_no_description(hrg: HRG) -> None:
    user, tx = await hrg.player("100.00"), new_id()
    await hrg.send("place_bet", hrg.vendor.place_bet(user, tx, "10.00"))
    body = {"userId": user, "txId": tx, "winAmount": "19.50"}
    first = await hrg.send("settle", body)
    assert (first["code"], first["balance"]) == ("0000", "109.50")
    assert await hrg.send("settle", body) == first
    assert await hrg.balance_of(user) == Decimal("109.50")
    recorded = (await transaction(hrg.core, tx, CREDIT)).transaction
    assert (from_struct(recorded.details), recorded.round_id, recorded.game_id) == ({}, "", "")
    # No ts: the event time is when the settle was received.
    assert abs(recorded.event_time.ToMilliseconds() - recorded.created_at.ToMilliseconds()) < 5_000


async def test_an_odd_description_is_paid_and_kept_as_sent(hrg: HRG, caplog: pytest.LogCaptureFixture) -> None:
    user, tx = await hrg.player("100.00"), new_id()
    await hrg.send("place_bet", hrg.vendor.place_bet(user, tx, "10.00"))
    # A NUL in an id the core would refuse: the game is then only kept in details, as sent.
    odd = {
        "roundId": {"no": 1},
        "gameCode": "BAC\x00",
        "status": "W\x00",
        "betAmount": "ten",
        "odds": "n/a",
        "result": "H03,C01",
        "commission": -1,
        "ts": "2022-10-14",
        "betTime": 1665759600000,
    }
    body = hrg.vendor.settle(user, tx, "10.00", "19.50", **odd)
    with caplog.at_level(logging.WARNING, logger="gateways.hrg.review"):
        assert (await hrg.send("settle", body))["code"] == "0000"
    assert review_reasons(caplog) == []  # an unreadable betAmount is not compared with the stake
    assert await hrg.balance_of(user) == Decimal("109.50")
    recorded = (await transaction(hrg.core, tx, CREDIT)).transaction
    assert from_struct(recorded.details) == {k: v for k, v in body.items() if k not in ("userId", "txId", "winAmount")}
    assert (recorded.round_id, recorded.game_id) == ("", "")


async def test_a_bad_win_amount_is_still_refused_and_moves_nothing(hrg: HRG) -> None:
    user, tx = await hrg.player("100.00"), new_id()
    await hrg.send("place_bet", hrg.vendor.place_bet(user, tx, "10.00"))
    bare = {"userId": user, "txId": tx}
    for win in ("-19.50", "1E1", 19.5, None, ""):
        assert (await hrg.send("settle", {**bare, "winAmount": win}))["code"] == "1001", win
    assert (await hrg.send("settle", bare))["code"] == "1001"
    assert await hrg.balance_of(user) == Decimal("90.00")
    # Nothing was decided under the txId: the genuine settle pays.
    assert (await hrg.send("settle", {**bare, "winAmount": "19.50"}))["code"] == "0000"
    assert await hrg.balance_of(user) == Decimal("109.50")


async def test_a_settle_past_100_times_the_stake_is_held_never_0000_until_approved(hrg: HRG) -> None:
    user, tx = await hrg.player("100.00"), new_id()
    await hrg.send("place_bet", hrg.vendor.place_bet(user, tx, "1.00"))
    body = hrg.vendor.settle(user, tx, "1.00", "150.00")
    assert (await hrg.send("settle", body))["code"] != "0000"  # HRG re-sends a settle until 0000
    assert await hrg.balance_of(user) == Decimal("99.00")
    await decide_hold(hrg.core, None, approve=True)
    assert (await hrg.send("settle", {**body, "ts": hrg_time()}))["code"] == "0000"
    assert await hrg.balance_of(user) == Decimal("249.00")
