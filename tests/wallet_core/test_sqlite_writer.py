"""SQLite's writer thread: group commit. Several writes in one transaction, each in its own
savepoint (one that is not the usual case is rolled back alone), in their order of arrival, every
answer after the COMMIT, and a failed BEGIN or COMMIT failing the whole batch with nothing written.

To put writes in one batch for sure, the tests hold SQLite's write lock from another connection:
the writer takes a first write and waits in BEGIN IMMEDIATE, the writes under test queue up behind
it, and the lock is released; the writer then takes all of them at once."""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
import threading
from collections.abc import AsyncIterator, Awaitable
from contextlib import closing
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from tests.support.core import TEST_CURRENCIES
from wallet_core.bootstrap import open_ledger
from wallet_core.domain import Bet, Kind, MoneyRequest
from wallet_core.errors import Reason, WalletError
from wallet_core.ledger import Ledger
from wallet_core.money import to_decimal_string
from wallet_core.store.currencies import sync_currencies
from wallet_core.store.database import create_engine
from wallet_core.store.fast_path import FastPathFailed, Refused, UniqueKeyTaken, Written
from wallet_core.store.migrate import upgrade
from wallet_core.store.sqlite_writer import SqliteWriter
from wallet_core.verify import find_mismatches

HOLDER = "no-such-player"  # the first write, the one that waits for the lock, writes nothing
_holds = itertools.count()


class Store:
    def __init__(self, path: Path, ledger: Ledger) -> None:
        self.path = path
        self.ledger = ledger

    def connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, isolation_level=None)

    def count(self, table: str) -> int:
        with closing(self.connect()) as db:
            (n,) = db.execute(f"SELECT count(*) FROM {table}").fetchone()  # a fixed table name
        return int(n)

    def rows(self) -> tuple[int, int, int]:
        return self.count("transactions"), self.count("bets"), self.count("entries")

    async def balance(self, player: str) -> int:
        return (await self.ledger.account(player, "USD")).balance

    async def stored(self, transaction_id: str, kind: Kind = Kind.DEBIT) -> bool:
        try:
            await self.ledger.transaction("tests", transaction_id, kind)
        except WalletError as error:
            assert error.reason is Reason.TRANSACTION_NOT_FOUND
            return False
        return True


class Batches:
    """Records the size of every batch one writer applies (not the ledger's own writer), and tells
    when its first one started."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, watched: SqliteWriter) -> None:
        self.watched = watched
        self.sizes: list[int] = []
        self.entered = threading.Event()
        apply = SqliteWriter._apply

        def spy(writer: SqliteWriter, batch: list[Any]) -> Any:
            if writer is self.watched:
                self.sizes.append(len(batch))
                self.entered.set()
            return apply(writer, batch)

        monkeypatch.setattr(SqliteWriter, "_apply", spy)

    async def started(self) -> None:
        for _ in range(1000):
            if self.entered.is_set():
                return
            await asyncio.sleep(0.005)
        raise AssertionError("the writer never took its first batch")


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    path = tmp_path / "wallet.db"
    url = f"sqlite+aiosqlite:///{path}"
    await upgrade(url)
    engine = create_engine(url)
    await sync_currencies(engine, TEST_CURRENCIES)
    ledger = await open_ledger(engine)
    yield Store(path, ledger)
    await ledger.close()


@pytest.fixture
async def writer(store: Store) -> AsyncIterator[SqliteWriter]:
    opened = SqliteWriter(str(store.path))
    yield opened
    await opened.close()


@pytest.fixture
def batches(monkeypatch: pytest.MonkeyPatch, writer: SqliteWriter) -> Batches:
    return Batches(monkeypatch, writer)


def _debit(transaction_id: str, player: str = "p1", cents: int = 100) -> MoneyRequest:
    return MoneyRequest.prepare(
        TEST_CURRENCIES,
        Kind.DEBIT,
        "tests",
        transaction_id,
        player,
        "USD",
        to_decimal_string(cents, 2),
        round_id="r1",
        details={"bet": 1},
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
        client="tests",
    )


def debit(
    writer: SqliteWriter, transaction_id: str, amount: int, player: str = "p1"
) -> Awaitable[tuple[Written, Bet] | Refused | None]:
    return writer.debit(_debit(transaction_id, player, cents=amount), datetime.now(UTC))


def payout(
    writer: SqliteWriter, transaction_id: str, bet: str, amount: int, player: str = "p1"
) -> Awaitable[tuple[Written, Bet] | None]:
    return writer.payout(_payout(transaction_id, bet, player, cents=amount), datetime.now(UTC))


async def settle() -> None:
    """Let every task started so far run up to its wait for the writer."""
    for _ in range(5):
        await asyncio.sleep(0)


class HeldLock:
    """Another connection holding SQLite's write lock, and a first write of the writer waiting for it."""

    def __init__(self, store: Store, writer: SqliteWriter) -> None:
        self.lock = store.connect()
        self.writer = writer
        self.first: asyncio.Task[Any] | None = None

    async def __aenter__(self) -> HeldLock:
        self.lock.execute("BEGIN IMMEDIATE")
        self.first = asyncio.ensure_future(debit(self.writer, f"hold{next(_holds)}", 1, player=HOLDER))
        return self

    async def release(self) -> None:
        if self.lock.in_transaction:
            self.lock.execute("ROLLBACK")
        self.lock.close()
        assert self.first is not None
        await asyncio.gather(self.first, return_exceptions=True)

    async def __aexit__(self, *exc: object) -> None:
        await self.release()


async def one_batch(store: Store, writer: SqliteWriter, batches: Batches, calls: list[Awaitable[Any]]) -> list[Any]:
    """Run ``calls`` as one batch of the writer; their answers (or exceptions), in order."""
    async with HeldLock(store, writer):
        await batches.started()  # the writer is in BEGIN IMMEDIATE, waiting for the lock
        tasks = [asyncio.ensure_future(call) for call in calls]
        await settle()
    answers = await asyncio.gather(*tasks, return_exceptions=True)
    assert batches.sizes[-1] == len(calls), f"not one batch: {batches.sizes}"
    return answers


def balance_after(answer: Any) -> int:
    assert isinstance(answer, tuple), answer
    written, _bet = answer
    assert isinstance(written, Written)
    return written.balance_after


async def test_one_batch_commits_the_usual_writes_and_rolls_back_the_others_alone(
    store: Store, writer: SqliteWriter, batches: Batches
) -> None:
    ledger = store.ledger
    await ledger.create_account("p1", "USD", "100.00")
    await ledger.create_account("p2", "USD", "100.00")
    await ledger.debit(_debit("old"))  # p1: 99.00
    await ledger.rollback(
        MoneyRequest.prepare(TEST_CURRENCIES, Kind.ROLLBACK, "tests", "c9", "p1", "", "", reference_id="b9")
    )  # a tombstone for b9
    # An event time no UTC datetime can hold: the write fails in Python, after its TAKE and bet.
    bug = replace(_debit("bug"), event_time=datetime.max.replace(tzinfo=timezone(-timedelta(hours=1))))

    answers = await one_batch(
        store,
        writer,
        batches,
        [
            debit(writer, "b1", 2500),  # placed: 74.00
            debit(writer, "old", 2500),  # a key seen before: its TAKE is rolled back
            debit(writer, "b9", 100),  # a tombstone's id
            debit(writer, "big", 10**6),  # not covered: its refusal is stored
            debit(writer, "x", 1, player="nobody"),  # no account
            payout(writer, "w1", "nobet", 100),  # no such bet
            payout(writer, "w2", "b1", 10**18 - 1),  # past the balance's limit: the bet's settle is rolled back
            debit(writer, "b1", 2500),  # the same key twice in one batch
            debit(writer, "b2", 2500, player="p2"),  # placed: p2 75.00
            payout(writer, "w3", "b1", 1000),  # the bet of this batch, settled: p1 84.00
            writer.debit(bug, datetime.now(UTC)),  # fails in Python after its TAKE and bet
        ],
    )

    assert balance_after(answers[0]) == 7400
    assert isinstance(answers[1], UniqueKeyTaken)
    assert isinstance(answers[2], UniqueKeyTaken)
    assert isinstance(answers[3], Refused) and answers[3].balance == 7400
    assert answers[4:7] == [None, None, None]
    assert isinstance(answers[7], UniqueKeyTaken)
    assert balance_after(answers[8]) == 7500
    assert balance_after(answers[9]) == 8400 and answers[9][1].payout == 1000
    assert isinstance(answers[10], OverflowError)

    assert await store.balance("p1") == 8400
    assert await store.balance("p2") == 7500
    for kept, kind in (("b1", Kind.DEBIT), ("b2", Kind.DEBIT), ("w3", Kind.CREDIT), ("big", Kind.DEBIT)):
        assert await store.stored(kept, kind)
    for gone, kind in (("x", Kind.DEBIT), ("bug", Kind.DEBIT), ("w1", Kind.CREDIT), ("w2", Kind.CREDIT)):
        assert not await store.stored(gone, kind)
    bet = (await ledger.transaction("tests", "b1", Kind.DEBIT))[0].bet
    assert bet is not None and (bet.state.value, bet.payout) == ("settled", 1000)
    with closing(store.connect()) as db:
        assert db.execute("SELECT count(*) FROM bets WHERE transaction_id IN ('big', 'bug')").fetchone() == (0,)
    assert (await find_mismatches(ledger.engine))[1] == []


async def test_a_batch_keeps_the_order_of_arrival_on_one_player(
    store: Store, writer: SqliteWriter, batches: Batches
) -> None:
    await store.ledger.create_account("p1", "USD", "10.00")
    calls = [debit(writer, f"b{i}", 100) for i in range(12)]
    calls.insert(3, payout(writer, "w0", "b0", 50))  # after b0, b1, b2 were taken
    answers = await one_batch(store, writer, batches, calls)

    # 10.00 covers ten debits of 1.00 in the order they came; the payout comes in between.
    afters = [balance_after(a) for a in answers if not isinstance(a, Refused)]
    assert afters == [900, 800, 700, 750, 650, 550, 450, 350, 250, 150, 50]
    assert [type(a) for a in answers[-2:]] == [Refused, Refused]  # not covered any more: refused at 0.50
    assert [a.balance for a in answers[-2:] if isinstance(a, Refused)] == [50, 50]
    assert await store.balance("p1") == 50
    with closing(store.connect()) as db:
        (lowest,) = db.execute(
            "SELECT min(balance_after) FROM entries e JOIN accounts a ON a.id = e.account_id WHERE a.player_id = 'p1'"
        ).fetchone()
    assert lowest == 50
    assert (await find_mismatches(store.ledger.engine))[1] == []


async def test_a_batch_is_at_most_max_batch_writes(store: Store, batches: Batches) -> None:
    await store.ledger.create_account("p1", "USD", "10.00")
    writer = SqliteWriter(str(store.path), max_batch=4)
    batches.watched = writer
    try:
        async with HeldLock(store, writer):
            await batches.started()
            tasks = [asyncio.ensure_future(debit(writer, f"b{i}", 100)) for i in range(10)]
            await settle()
        answers = await asyncio.gather(*tasks)
    finally:
        await writer.close()
    assert batches.sizes == [1, 4, 4, 2]
    assert [balance_after(a) for a in answers] == [900 - 100 * i for i in range(10)]


async def test_the_hot_balance_through_the_ledger(store: Store) -> None:
    """64 concurrent debits on one player whose balance covers 57: exactly 57 are taken."""
    ledger = store.ledger
    await ledger.create_account("hot", "USD", "57.00")
    answers = await asyncio.gather(
        *(ledger.debit(_debit(f"h{i}", player="hot")) for i in range(64)), return_exceptions=True
    )
    refused = [a for a in answers if isinstance(a, WalletError)]
    assert len(refused) == 7 and all(a.reason is Reason.INSUFFICIENT_FUNDS for a in refused)
    taken = [a.transaction.balance_after for a in answers if not isinstance(a, BaseException)]
    afters = sorted(after for after in taken if after is not None)
    assert afters == [100 * i for i in range(57)]  # each balance once, none below zero
    assert await store.balance("hot") == 0
    assert (await find_mismatches(ledger.engine))[1] == []


async def test_a_commit_that_fails_fails_the_whole_batch_and_writes_nothing(
    store: Store, writer: SqliteWriter, batches: Batches
) -> None:
    ledger = store.ledger
    await ledger.create_account("p1", "USD", "10.00")
    await ledger.debit(_debit("b0"))
    with closing(store.connect()) as db:  # a deferred foreign key that 'poison' breaks: checked at COMMIT only
        db.executescript("""
            CREATE TABLE trap_parent (id INTEGER PRIMARY KEY);
            CREATE TABLE trap (parent INTEGER REFERENCES trap_parent (id) DEFERRABLE INITIALLY DEFERRED);
            CREATE TRIGGER poison AFTER INSERT ON transactions WHEN NEW.transaction_id = 'poison'
            BEGIN INSERT INTO trap VALUES (1); END;
        """)
    rows, balance = store.rows(), await store.balance("p1")

    answers = await one_batch(
        store,
        writer,
        batches,
        [
            debit(writer, "a", 100),
            debit(writer, "poison", 100),
            payout(writer, "w0", "b0", 100),
            debit(writer, "b0", 100),  # UniqueKeyTaken had the batch committed: FastPathFailed too
        ],
    )

    assert all(isinstance(a, FastPathFailed) for a in answers), answers
    assert "FOREIGN KEY" in str(answers[0])
    assert store.rows() == rows and await store.balance("p1") == balance  # nothing half written
    # The writer goes on, and the general path decides each write afresh: none was stored.
    assert balance_after(await debit(writer, "c", 100)) == balance - 100
    again = await ledger.debit(_debit("a"))
    assert not again.replay and again.transaction.balance_after == 700
    paid = await ledger.credit(_payout("w0", "b0"))
    assert not paid.replay and paid.transaction.balance_after == 800
    assert (await find_mismatches(ledger.engine))[1] == []


async def test_sqlite_ending_the_transaction_mid_batch_fails_every_write(
    store: Store, writer: SqliteWriter, batches: Batches
) -> None:
    """An error after which SQLite has rolled the transaction back itself (as it may on a full disk
    or an I/O error): the writes before it are gone too, so none may be answered as written."""
    await store.ledger.create_account("p1", "USD", "10.00")
    with closing(store.connect()) as db:
        db.execute(
            "CREATE TRIGGER ender AFTER INSERT ON transactions WHEN NEW.transaction_id = 'ender' "
            "BEGIN SELECT RAISE(ROLLBACK, 'the transaction ended'); END"
        )
    rows = store.rows()
    answers = await one_batch(
        store, writer, batches, [debit(writer, "a", 100), debit(writer, "ender", 100), debit(writer, "b", 100)]
    )
    assert all(isinstance(a, FastPathFailed) for a in answers), answers
    assert store.rows() == rows and await store.balance("p1") == 1000
    assert balance_after(await debit(writer, "c", 100)) == 900


async def test_a_locked_database_fails_the_batch(store: Store) -> None:
    await store.ledger.create_account("p1", "USD", "10.00")
    writer = SqliteWriter(str(store.path), busy_timeout=0.05)
    try:
        lock = store.connect()
        lock.execute("BEGIN IMMEDIATE")
        answers = await asyncio.gather(debit(writer, "a", 100), debit(writer, "b", 100), return_exceptions=True)
        lock.execute("ROLLBACK")
        lock.close()
        assert all(isinstance(a, FastPathFailed) and "locked" in str(a) for a in answers), answers
        assert await store.balance("p1") == 1000 and not await store.stored("a")
        assert balance_after(await debit(writer, "a", 100)) == 900  # the lock is gone: it works again
    finally:
        await writer.close()


async def test_close_answers_the_pending_writes_then_refuses(
    store: Store, writer: SqliteWriter, batches: Batches
) -> None:
    await store.ledger.create_account("p1", "USD", "10.00")
    threads_before = _writer_threads()
    held = HeldLock(store, writer)
    await held.__aenter__()
    await batches.started()
    pending = [asyncio.ensure_future(debit(writer, f"b{i}", 100)) for i in range(3)]
    await settle()
    stopping = asyncio.ensure_future(writer.close())
    await settle()
    assert not stopping.done() and not any(task.done() for task in pending)  # waiting for the lock
    await held.release()
    await asyncio.wait_for(stopping, 10)

    answers = await asyncio.wait_for(asyncio.gather(*pending), 10)  # answered, not dropped
    assert [balance_after(answer) for answer in answers] == [900, 800, 700]
    assert await store.balance("p1") == 700
    with pytest.raises(FastPathFailed):
        await debit(writer, "late", 100)
    await writer.close()  # a second close is harmless
    assert _writer_threads() == threads_before  # its thread is gone


def _writer_threads() -> set[threading.Thread]:
    return {thread for thread in threading.enumerate() if thread.name == "sqlite-writer" and thread.is_alive()}


async def test_close_of_an_unused_writer(store: Store) -> None:
    writer = SqliteWriter(str(store.path))
    await writer.close()
    with pytest.raises(FastPathFailed):
        await debit(writer, "late", 100)


async def test_a_write_whose_caller_left_is_not_started(store: Store, writer: SqliteWriter, batches: Batches) -> None:
    await store.ledger.create_account("p1", "USD", "10.00")
    async with HeldLock(store, writer):
        await batches.started()
        gone = asyncio.ensure_future(debit(writer, "gone", 100))
        kept = asyncio.ensure_future(debit(writer, "kept", 100))
        await settle()
        gone.cancel()
    assert balance_after(await kept) == 900
    assert gone.cancelled()
    assert not await store.stored("gone") and await store.balance("p1") == 900
