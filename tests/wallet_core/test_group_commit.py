"""PostgreSQL's batches (wallet_debit_batch, wallet_payout_batch): each call of a batch is decided
on its own, in the order it came for one player, and a batch that fails writes nothing. A single
debit or payout is covered on every store and write path by the table of test_rules."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.support import databases
from tests.support.core import TEST_CURRENCIES
from wallet_core.bootstrap import open_ledger
from wallet_core.domain import Kind, MoneyRequest
from wallet_core.errors import Reason, WalletError
from wallet_core.ledger import Ledger
from wallet_core.money import to_decimal_string
from wallet_core.store.currencies import sync_currencies
from wallet_core.store.database import create_engine
from wallet_core.store.fast_path import FastPathFailed, Refused, UniqueKeyTaken, Written
from wallet_core.store.group_commit import MAX_BATCH, GroupCommit
from wallet_core.verify import find_mismatches


@pytest.fixture
async def ledger(postgres_database: str | None) -> AsyncIterator[Ledger]:
    if postgres_database is None:
        pytest.skip(f"PostgreSQL not reachable at {databases.POSTGRES_URL} (set WALLET_TEST_POSTGRES_URL)")
    await databases.empty_postgres_database(postgres_database)
    engine = create_engine(postgres_database)
    await sync_currencies(engine, TEST_CURRENCIES)
    opened = await open_ledger(engine)
    yield opened
    await opened.close()


@pytest.fixture
async def fast(ledger: Ledger) -> AsyncIterator[GroupCommit]:
    path = GroupCommit(ledger.engine.url.render_as_string(hide_password=False), pool_size=2)
    yield path
    await path.close()


def _debit(transaction_id: str, player: str = "p1", cents: int = 100) -> MoneyRequest:
    return MoneyRequest.prepare(
        TEST_CURRENCIES,
        Kind.DEBIT,
        "tests",
        transaction_id,
        player,
        "USD",
        to_decimal_string(cents, 2),
        details={"n": transaction_id},
        raw_request="{}",
        client="tests",
        event_time=datetime.now(UTC),
    )


def _payout(transaction_id: str, bet: str, player: str = "p1", cents: int = 100) -> MoneyRequest:
    return MoneyRequest.prepare(
        TEST_CURRENCIES,
        Kind.CREDIT,
        "tests",
        transaction_id,
        player,
        "USD",
        to_decimal_string(cents, 2),
        reference_id=bet,
        details={"n": transaction_id},
        client="tests",
    )


def _cancel(transaction_id: str, bet: str, player: str = "p1") -> MoneyRequest:
    return MoneyRequest.prepare(
        TEST_CURRENCIES, Kind.ROLLBACK, "tests", transaction_id, player, "", "", reference_id=bet
    )


async def _at_once(fast: GroupCommit, requests: list[MoneyRequest]) -> Sequence[object]:
    """Every call submitted in one go, answers in order. A lone call goes at once, so a lead call
    (which writes nothing: no such account, no such bet) goes first and the others wait for it,
    and then go together."""
    now = datetime.now(UTC)
    lead = _debit("lead", "nobody", cents=1) if requests[0].kind is Kind.DEBIT else _payout("lead", "nobet", cents=1)
    answers = await asyncio.gather(
        *((fast.debit if request.kind is Kind.DEBIT else fast.payout)(request, now) for request in [lead, *requests]),
        return_exceptions=True,
    )
    assert answers[0] is None
    return answers[1:]


def _batches(fast: GroupCommit) -> list[int]:
    """Spy on the sizes of the debit batches sent to PostgreSQL."""
    sizes: list[int] = []
    send = fast._debits._apply

    async def counted(calls: list[Any]) -> Sequence[Any]:
        sizes.append(len(calls))
        return await send(calls)

    fast._debits._apply = counted
    return sizes


async def test_each_debit_of_a_batch_is_decided_on_its_own(ledger: Ledger, fast: GroupCommit) -> None:
    for player in ("p1", "p2", "p3"):
        await ledger.create_account(player, "USD", "10.00")
    await ledger.rollback(_cancel("c1", "tomb", "p2"))
    sizes = _batches(fast)
    answers = await _at_once(
        fast,
        [
            _debit("a", "p3", cents=100),
            _debit("b", "p1", cents=2000),  # b: more than p1 holds
            _debit("c", "p1", cents=300),
            _debit("a", "p3", cents=100),  # the second "a": its key is taken in this batch
            _debit("tomb", "p2", cents=100),
            _debit("d", "nobody", cents=100),
            _debit("e", "p2", cents=1000),
        ],
    )
    assert sizes == [1, 7]
    a, b, c, a_again, tomb, nobody, e = answers
    assert isinstance(a, tuple) and a[0].balance_after == 900
    assert isinstance(b, Refused) and b.balance == 1000 and nobody is None  # b: the refusal stored
    assert b.account_id == (await ledger.account("p1", "USD")).id
    assert isinstance(c, tuple) and c[0].balance_after == 700
    assert isinstance(a_again, UniqueKeyTaken) and isinstance(tomb, UniqueKeyTaken)
    assert isinstance(e, tuple) and e[0].balance_after == 0
    balances = [(await ledger.account(p, "USD")).balance for p in ("p1", "p2", "p3")]
    assert balances == [700, 0, 900]
    stored, _ = await ledger.transaction("tests", "c", Kind.DEBIT)
    assert isinstance(c[0], Written) and stored.id == c[0].transaction_id and stored.details == {"n": "c"}
    assert stored.bet is not None and stored.bet.id == c[1].id
    refusal, _ = await ledger.transaction("tests", "b", Kind.DEBIT)
    assert refusal.id == b.transaction_id
    assert (refusal.status.value, refusal.error_reason, refusal.balance_after) == ("failed", "INSUFFICIENT_FUNDS", 1000)
    assert await find_mismatches(ledger.engine) == (3, [])


async def test_one_players_debits_are_taken_in_their_order_and_never_overdraw(
    ledger: Ledger, fast: GroupCommit
) -> None:
    await ledger.create_account("hot", "USD", "0.50")  # covers 50 of the 64 debits of 1 cent
    await ledger.create_account("cold", "USD", "1.00")
    debits = [_debit(f"h{n}", "hot" if n % 8 else "cold", cents=1) for n in range(MAX_BATCH)]
    sizes = _batches(fast)
    answers = await _at_once(fast, debits)
    assert sizes == [1, MAX_BATCH]
    hot = [answer for request, answer in zip(debits, answers, strict=True) if request.player_id == "hot"]
    taken = [answer for answer in hot if isinstance(answer, tuple) and not isinstance(answer, Refused)]
    assert len(taken) == 50 and all(isinstance(answer, Refused) and answer.balance == 0 for answer in hot[50:])
    assert [a[0].balance_after for a in taken] == list(range(49, -1, -1))
    assert (await ledger.account("hot", "USD")).balance == 0
    assert (await ledger.account("cold", "USD")).balance == 92
    assert await find_mismatches(ledger.engine) == (2, [])


async def test_a_busy_accounts_later_debits_in_a_batch_see_what_the_earlier_ones_left(
    ledger: Ledger, fast: GroupCommit
) -> None:
    """After its first debit the batch keeps the account's balance itself (migration 0005): a key
    taken, a refusal and a tombstone among one player's debits change nothing it keeps."""
    await ledger.create_account("p1", "USD", "3.00")
    await ledger.rollback(_cancel("c1", "tomb"))
    answers = await _at_once(
        fast,
        [
            _debit("x1", cents=100),
            _debit("x1", cents=100),  # the second x1: taken
            _debit("tomb", cents=100),  # a cancel's tombstone: taken
            _debit("x2", cents=250),
            _debit("x3", cents=200),
            _debit("x4", cents=1),
        ],
    )
    x1, x1_again, tomb, x2, x3, x4 = answers
    assert isinstance(x1, tuple) and x1[0].balance_after == 200
    assert isinstance(x1_again, UniqueKeyTaken) and isinstance(tomb, UniqueKeyTaken)
    assert isinstance(x2, Refused) and x2.balance == 200
    assert isinstance(x3, tuple) and x3[0].balance_after == 0
    assert isinstance(x4, Refused) and x4.balance == 0
    assert (await ledger.account("p1", "USD")).balance == 0
    refusal, _ = await ledger.transaction("tests", "x2", Kind.DEBIT)
    assert (refusal.error_reason, refusal.balance_after) == ("INSUFFICIENT_FUNDS", 200)
    assert await find_mismatches(ledger.engine) == (1, [])


async def test_more_debits_than_a_batch_holds_go_in_several(ledger: Ledger, fast: GroupCommit) -> None:
    await ledger.create_account("p1", "USD", "1000.00")
    sizes = _batches(fast)
    count = MAX_BATCH * 2 + 1
    answers = await _at_once(fast, [_debit(f"b{n}", cents=1) for n in range(count)])
    assert all(isinstance(answer, tuple) for answer in answers)
    assert sum(sizes) == count + 1 and max(sizes) == MAX_BATCH
    assert (await ledger.account("p1", "USD")).balance == 100000 - count


async def test_a_batch_the_database_refuses_writes_nothing_and_fails_every_debit(
    ledger: Ledger, fast: GroupCommit
) -> None:
    await ledger.create_account("p1", "USD", "10.00")
    # PostgreSQL text cannot hold a NUL (the ledger refuses it before; here it stands for any error)
    bad = replace(_debit("bad"), transaction_id="bad\x00")  # prepare refuses it: made past it
    answers = await _at_once(fast, [_debit("good"), bad])
    assert [type(answer) for answer in answers] == [FastPathFailed, FastPathFailed]
    assert answers[0] is not answers[1]
    assert (await ledger.account("p1", "USD")).balance == 1000
    assert (await ledger.debit(_debit("good"))).transaction.balance_after == 900  # the general path, after


async def test_debits_through_the_ledger_in_batches_are_answered_as_stored(ledger: Ledger) -> None:
    await ledger.create_account("p1", "USD", "10.00")
    requests = [_debit(f"b{n}") for n in range(12)]
    outcomes = await asyncio.gather(*(ledger.debit(r) for r in requests), return_exceptions=True)
    taken = [o for o in outcomes if not isinstance(o, BaseException)]
    assert len(taken) == 10  # 10.00 covers ten debits of 1.00; the others are refused and stored
    refused = [o for o in outcomes if isinstance(o, BaseException)]
    assert [(type(o), o.reason, o.metadata["balance"]) for o in refused if isinstance(o, WalletError)] == [
        (WalletError, Reason.INSUFFICIENT_FUNDS, "0.00")
    ] * 2
    for outcome in taken:
        stored, _ = await ledger.transaction("tests", outcome.transaction.transaction_id, Kind.DEBIT)
        assert stored == outcome.transaction
    assert sorted(o.transaction.balance_after or 0 for o in taken) == [n * 100 for n in range(10)]
    assert await find_mismatches(ledger.engine) == (1, [])


async def test_each_payout_of_a_batch_is_decided_on_its_own(ledger: Ledger, fast: GroupCommit) -> None:
    for player in ("p1", "p2"):
        await ledger.create_account(player, "USD", "10.00")
    for bet, player in (("b1", "p1"), ("b2", "p1"), ("b3", "p2")):
        await ledger.debit(_debit(bet, player))
    await ledger.rollback(_cancel("c2", "b2"))
    answers = await _at_once(
        fast,
        [
            _payout("w1", "b1", cents=150),
            _payout("w3", "b3", "p2", cents=0),  # a loss: settled, no entry
            _payout("w2", "b1", cents=50),  # a second payout of b1, after w1: the payouts add up
            _payout("w1", "b1", cents=150),  # w1 again: its key is taken in this batch
            _payout("w4", "b2", cents=100),  # b2 was cancelled
            _payout("w5", "nobet", cents=100),
            _payout("w6", "b3", cents=100),  # no such bet; another player's bet
        ],
    )
    w1, w3, w2, w1_again, cancelled, nobet, others = answers
    assert isinstance(w1, tuple) and w1[0].balance_after == 900 + 150  # b1 and b2 taken, b2 given back
    assert isinstance(w2, tuple) and w2[0].balance_after == 900 + 200
    assert (w2[1].state.value, w2[1].stake, w2[1].payout) == ("settled", 100, 200)
    assert isinstance(w3, tuple) and w3[0].balance_after == 900 and w3[1].payout == 0
    assert isinstance(w1_again, UniqueKeyTaken)
    assert cancelled is None and nobet is None and others is None
    assert [(await ledger.account(p, "USD")).balance for p in ("p1", "p2")] == [1100, 900]
    stored, related = await ledger.transaction("tests", "w2", Kind.CREDIT)
    assert stored.id == w2[0].transaction_id and stored.bet == w2[1]
    assert [t.transaction_id for t in related] == ["b1", "w1", "w2"]
    assert await find_mismatches(ledger.engine) == (2, [])


async def test_payouts_and_cancels_of_one_players_bets_at_once_do_not_deadlock(
    ledger: Ledger, caplog: pytest.LogCaptureFixture
) -> None:
    """A cancel holds its bet and waits for the account; a payout batch locks all its bets before
    any account, so the two never wait for each other in a circle. A deadlock, which PostgreSQL
    breaks after a second, would show as a failed batch or a retried cancel in the logs."""
    caplog.set_level(logging.DEBUG, logger="wallet_core")
    await ledger.create_account("p1", "USD", "100.00")
    bets = [f"b{n}" for n in range(24)]
    for bet in bets:
        await ledger.debit(_debit(bet))
    calls = []
    for n, bet in enumerate(bets):  # a payout of one bet, a cancel of another, and so on
        calls += [ledger.credit(_payout(f"w{n}", bet)), ledger.rollback(_cancel(f"c{n}", bets[-1 - n]))]
    outcomes = await asyncio.gather(*calls, return_exceptions=True)
    assert not [o for o in outcomes if isinstance(o, BaseException) and not isinstance(o, WalletError)]
    refused = [o.reason for o in outcomes if isinstance(o, WalletError)]
    assert set(refused) <= {Reason.ALREADY_ROLLED_BACK, Reason.ALREADY_SETTLED}
    assert len(refused) == len(bets)  # each bet was either paid or cancelled, never both
    # paid or cancelled, each bet gave 1.00 back
    assert (await ledger.account("p1", "USD")).balance == 10000
    assert await find_mismatches(ledger.engine) == (1, [])
    waits = [r.getMessage() for r in caplog.records if "retrying" in r.getMessage() or "fast-path" in r.getMessage()]
    assert waits == []
