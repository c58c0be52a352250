"""SQLite: the usual debit and the usual payout on one writer thread, several to a transaction.

Through SQLAlchemy and aiosqlite a debit is six statements, each built by SQLAlchemy and handed
to aiosqlite's thread and back (about 5 ms of CPU a debit, measured). Here the same writes are
plain ``sqlite3`` calls with cached statements on a dedicated thread (the GIL is released while
SQLite works). The rules are the ledger's (``fast_path``):
- debit: take the stake only if the balance covers it, open the bet, store the transaction and
  its entry, chained to the account's head (``chain``), which moves on; if the balance does not
  cover it (and no bet has its key), store the refusal with the balance (Refused);
- payout: settle a placed or settled bet of the same player and currency (its payout grows),
  add to the balance, store the transaction and its chained entry (none for 0); a payout past its
  provider's multiple of the stake, or one held already, is not the usual case (``holds``).
Anything else writes nothing: no account or no such bet (None), a key seen before (UNIQUE
fails: UniqueKeyTaken; ``find`` reads what holds it, on a reader thread of its own), a balance
past its limit (the CHECK fails: None), a locked or broken database (FastPathFailed).

Group commit: whenever the thread is free it takes every write waiting (at most ``max_batch``) and
applies them in their order of arrival in ONE transaction (BEGIN IMMEDIATE ... COMMIT), each
inside its own SAVEPOINT, so that a write that is not the usual case is rolled back alone while
the others commit. Writes of one player in one batch see each other, in order: a debit the
balance no longer covers is None, never an overdraft. Every answer waits for the COMMIT: None and
UniqueKeyTaken too, so that the general path they lead to finds what the batch wrote. If BEGIN or
COMMIT fails, or SQLite fails in a way that can spoil the transaction (I/O, full, locked), the
whole batch is rolled back and every write of it gets FastPathFailed: nothing of it was written,
and the general path decides each one afresh. The answers of a batch reach the event loop in one
wake-up (``call_soon_threadsafe``), not one per write. BEGIN IMMEDIATE takes the write lock
first, as the general path does, so a check and its write never interleave with another
connection's.

Rows are written as SQLAlchemy writes them (datetimes as "YYYY-MM-DD HH:MM:SS.ffffff" UTC text,
JSON as ``database.json_text``), so that every other reader sees one format.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import queue
import sqlite3
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from wallet_core import chain
from wallet_core.domain import Bet, BetState, Kind, MoneyRequest, Transaction
from wallet_core.store import stored_by_key
from wallet_core.store.database import SQLITE_PRAGMAS, json_text
from wallet_core.store.fast_path import FastPathFailed, Refused, UniqueKeyTaken, Written
from wallet_core.store.queries import utc
from wallet_core.store.raw_requests import RawRequests

T = TypeVar("T")

# A controlled account (its player blocked, or with limits) is neither taken from, paid nor refused
# here: the general path decides its bets and counts its day's net loss.
TAKE = """UPDATE accounts SET balance = balance - ?1
WHERE player_id = ?2 AND currency = ?3 AND balance >= ?1 AND NOT controlled RETURNING id, balance, chain_head"""
BALANCE = "SELECT id, balance FROM accounts WHERE player_id = ? AND currency = ? AND NOT controlled"
HAS_BET = "SELECT 1 FROM bets WHERE provider = ? AND transaction_id = ?"
ADD = """UPDATE accounts SET balance = balance + ?1
WHERE player_id = ?2 AND currency = ?3 AND NOT controlled RETURNING id, balance, chain_head"""
OPEN_BET = """INSERT INTO bets (provider, transaction_id, player_id, currency, state, stake, payout, placed_at)
VALUES (?, ?, ?, ?, 'placed', ?, 0, ?) RETURNING id"""
SETTLE_BET = """UPDATE bets SET state = 'settled', payout = payout + ?1, settled_at = ?2
WHERE provider = ?3 AND transaction_id = ?4 AND player_id = ?5 AND currency = ?6
    AND state IN ('placed', 'settled')
    AND NOT EXISTS (SELECT 1 FROM payout_limits l WHERE l.provider = ?3
        AND bets.payout + ?1 > bets.stake * l.max_payout_multiple)
    AND NOT EXISTS (SELECT 1 FROM payout_holds h WHERE h.provider = ?3 AND h.transaction_id = ?7)
RETURNING id, stake, payout, placed_at, settled_at, cancelled_at"""
STORE = """INSERT INTO transactions (
    provider, kind, transaction_id, request_hash, status, error_reason, error_metadata, account_id, bet_id,
    player_id, currency, amount, balance_change, balance_after, round_id, game_id, table_id, reference_id,
    details, raw_request, client, event_time, created_at, raw_request_packed)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"""
ENTRY = """INSERT INTO entries (account_id, transaction_id, amount, balance_after, created_at, chain_hash)
VALUES (?, ?, ?, ?, ?, ?)"""
MOVE_HEAD = "UPDATE accounts SET chain_head = ? WHERE id = ?"


class _NotTheUsualCase(Exception):
    """Raised inside a write to roll it back and answer None."""


MAX_BATCH = 64  # writes in one transaction at most: bounds the latency a batch adds to its last write


class _Write:
    """One write waiting for the thread, and the future (of its event loop) that gets its answer."""

    __slots__ = ("apply", "future", "loop")

    def __init__(
        self, apply: Callable[[sqlite3.Connection], Any], future: asyncio.Future[Any], loop: asyncio.AbstractEventLoop
    ) -> None:
        self.apply = apply
        self.future = future
        self.loop = loop


class _Stop:
    """The last item the thread takes: it closes the connection and answers ``future``."""

    __slots__ = ("future", "loop")

    def __init__(self, future: asyncio.Future[None], loop: asyncio.AbstractEventLoop) -> None:
        self.future = future
        self.loop = loop


# A write's answer: its value, or the exception its caller gets.
_Answer = tuple[_Write, Any, BaseException | None]
_Raw = tuple[str, bytes | None]
"""A raw request's two columns (``raw_requests.RawRequests.columns``)."""


class SqliteWriter:
    """SQLite's fast path (``fast_path.FastPath``) on one thread and one connection of its own."""

    def __init__(
        self,
        path: str,
        raw_requests: RawRequests | None = None,
        *,
        max_batch: int = MAX_BATCH,
        busy_timeout: float = 30.0,
    ) -> None:
        if max_batch < 1:
            raise ValueError("a batch holds at least one write")
        self._path = path
        self._raw_requests = raw_requests or RawRequests({}, None)  # None given: every raw request as text
        self._max_batch = max_batch
        self._busy_timeout_ms = round(busy_timeout * 1000)
        self._queue: queue.SimpleQueue[_Write | _Stop] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None  # started by the first write
        self._closed = False
        self._connection: sqlite3.Connection | None = None  # opened, used and closed on the thread
        # A replay's read (``find``) on a thread and connection of its own: a read in WAL mode takes
        # no lock, where one on the writer's thread would hold the write lock for it (BEGIN
        # IMMEDIATE) and, under a provider's retries, starve the general path's transactions.
        self._reader = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-reader")
        self._read_connection: sqlite3.Connection | None = None  # opened, used and closed on the reader

    async def debit(self, request: MoneyRequest, created_at: datetime) -> tuple[Written, Bet] | Refused | None:
        raw = await self._raw_requests.columns(request.provider, request.raw_request)
        return await self._submit(lambda db: _debit(db, request, raw, created_at))

    async def payout(self, request: MoneyRequest, created_at: datetime) -> tuple[Written, Bet] | None:
        raw = await self._raw_requests.columns(request.provider, request.raw_request)
        return await self._submit(lambda db: _payout(db, request, raw, created_at))

    async def find(self, provider: str, kind: Kind, transaction_id: str) -> Transaction | None:
        if self._closed:
            raise FastPathFailed("the SQLite writer is closed")
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._reader, self._find, provider, kind, transaction_id)
        except sqlite3.Error as error:
            raise FastPathFailed(f"{type(error).__name__}: {error}") from error

    async def close(self) -> None:
        """Answer every write already submitted (the thread finishes them), then close the
        connection; a write submitted after this gets FastPathFailed."""
        if self._closed:
            return
        self._closed = True
        await asyncio.get_running_loop().run_in_executor(self._reader, self._close_reader)
        self._reader.shutdown()
        if self._thread is None:
            return
        loop = asyncio.get_running_loop()
        stopped: asyncio.Future[None] = loop.create_future()
        self._queue.put(_Stop(stopped, loop))
        await stopped
        self._thread.join()  # it answered ``stopped`` as its last act: this wait is short

    async def _submit(self, apply: Callable[[sqlite3.Connection], T]) -> T | None:
        if self._closed:
            raise FastPathFailed("the SQLite writer is closed")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        if self._thread is None:
            self._thread = threading.Thread(target=self._serve, name="sqlite-writer", daemon=True)
            self._thread.start()
        self._queue.put(_Write(apply, future, loop))
        return cast("T | None", await future)

    # --- on the writer thread ------------------------------------------------------------

    def _serve(self) -> None:
        stop: _Stop | None = None
        try:
            while stop is None:
                batch: list[_Write] = []
                item = self._queue.get()  # sleeps until there is work
                while True:
                    if isinstance(item, _Stop):
                        stop = item
                        break
                    batch.append(item)
                    if len(batch) >= self._max_batch:
                        break
                    try:
                        item = self._queue.get_nowait()
                    except queue.Empty:
                        break
                if batch:
                    try:
                        answers = self._apply(batch)
                    except Exception as error:  # a bug here must not leave its callers waiting forever
                        answers = _failed(batch, error)
                    _answer(answers)
        finally:
            self._disconnect()
            # Only a write racing ``close`` from another thread can be here: it was not started.
            leftovers: list[_Answer] = []
            while True:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if isinstance(item, _Write):
                    leftovers.append((item, None, FastPathFailed("the SQLite writer is closed")))
            _answer(leftovers)
            if stop is not None:
                _call_soon(stop.loop, _stopped, stop.future)

    def _apply(self, batch: list[_Write]) -> list[_Answer]:
        """The writes of ``batch`` in one transaction, in order; their answers once it committed."""
        # A write whose caller is gone (its RPC cancelled) is not started, as with run_in_executor:
        # nothing is written for it and a retry is a new call. (A read of the future's state.)
        live = [write for write in batch if not write.future.done()]
        if not live:
            return []
        try:
            db = self._connect()
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            return _failed(live, error)
        try:
            answers = [_one(db, write) for write in live]
            db.execute("COMMIT")
        except Exception as error:  # COMMIT, or SQLite trouble that can spoil the whole transaction
            self._abandon(db)
            return _failed(live, error)
        return answers

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            self._connection = self._open(cached_statements=16)
        return self._connection

    def _open(self, cached_statements: int) -> sqlite3.Connection:
        """A connection with the wallet's pragmas, in autocommit mode: the writer's transactions are
        the explicit BEGIN IMMEDIATE ... COMMIT above, and the reader's single reads need none."""
        connection = sqlite3.connect(self._path, isolation_level=None, cached_statements=cached_statements)
        for pragma in (*SQLITE_PRAGMAS, f"PRAGMA busy_timeout={self._busy_timeout_ms}"):
            connection.execute(pragma)
        return connection

    def _abandon(self, db: sqlite3.Connection) -> None:
        """Roll the failed batch back; a connection that cannot is closed, the next batch opens one."""
        try:
            if db.in_transaction:
                db.execute("ROLLBACK")
        except sqlite3.Error:
            self._disconnect()

    def _disconnect(self) -> None:
        if self._connection is not None:
            connection, self._connection = self._connection, None
            with contextlib.suppress(sqlite3.Error):  # broken already: SQLite rolls back what it did not commit
                connection.close()

    # --- on the reader thread ------------------------------------------------------------

    def _find(self, provider: str, kind: Kind, transaction_id: str) -> Transaction | None:
        if self._read_connection is None:
            self._read_connection = self._open(cached_statements=4)
            self._read_connection.row_factory = sqlite3.Row  # columns by name, as stored_by_key reads them
        row = self._read_connection.execute(stored_by_key.SQLITE, (provider, kind.value, transaction_id)).fetchone()
        return None if row is None else stored_by_key.transaction(row)

    def _close_reader(self) -> None:
        if self._read_connection is not None:
            connection, self._read_connection = self._read_connection, None
            with contextlib.suppress(sqlite3.Error):
                connection.close()


def _one(db: sqlite3.Connection, write: _Write) -> _Answer:
    """One write inside its own savepoint: rolled back alone when it is not the usual case.
    SQLite errors other than a constraint's are raised: they can spoil the whole transaction."""
    db.execute("SAVEPOINT item")
    error: BaseException | None
    try:
        value = write.apply(db)
    except _NotTheUsualCase:
        error = None
    except sqlite3.IntegrityError as integrity:
        # UNIQUE: the general path answers the replay, conflict or tombstone; else the balance's
        # CHECK, which the general path refuses with its reason.
        error = _unique_key_taken(integrity) if "UNIQUE" in str(integrity) else None
    except sqlite3.Error:
        raise
    except Exception as bug:  # not SQLite's: this write's caller gets it, the others go on
        error = bug
    else:
        db.execute("RELEASE item")
        return write, value, None
    db.execute("ROLLBACK TO item")
    db.execute("RELEASE item")
    return write, None, error


def _unique_key_taken(error: sqlite3.IntegrityError) -> UniqueKeyTaken:
    taken = UniqueKeyTaken(str(error))
    taken.__cause__ = error
    return taken


def _failed(batch: list[_Write], error: BaseException) -> list[_Answer]:
    """Every write of a batch that did not commit: FastPathFailed, one exception object each."""
    answers: list[_Answer] = []
    for write in batch:
        failed = FastPathFailed(f"{type(error).__name__}: {error}")
        failed.__cause__ = error
        answers.append((write, None, failed))
    return answers


def _answer(answers: list[_Answer]) -> None:
    """Hand the answers to their event loops: one wake-up per loop, not one per write."""
    by_loop: dict[asyncio.AbstractEventLoop, list[_Answer]] = {}
    for answer in answers:
        by_loop.setdefault(answer[0].loop, []).append(answer)
    for loop, theirs in by_loop.items():
        _call_soon(loop, _settle, theirs)


def _call_soon(loop: asyncio.AbstractEventLoop, callback: Callable[[Any], None], argument: Any) -> None:
    with contextlib.suppress(RuntimeError):  # the loop is closed: nobody is waiting any more
        loop.call_soon_threadsafe(callback, argument)


def _settle(answers: list[_Answer]) -> None:
    """On the event loop: resolve the futures (a caller cancelled meanwhile has gone)."""
    for write, value, error in answers:
        if write.future.done():
            continue
        if error is None:
            write.future.set_result(value)
        else:
            write.future.set_exception(error)


def _stopped(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def _debit(
    db: sqlite3.Connection, request: MoneyRequest, raw: _Raw, created_at: datetime
) -> tuple[Written, Bet] | Refused:
    at = _text(created_at)
    amount = request.amount
    taken = db.execute(TAKE, (amount, request.player_id, request.currency)).fetchone()
    if taken is None:
        return _refuse(db, request, raw, at)
    account_id, balance_after, head = taken
    (bet_id,) = db.execute(
        OPEN_BET, (request.provider, request.transaction_id, request.player_id, request.currency, amount, at)
    ).fetchone()
    written = _store(
        db, request, raw, created_at, at, account_id, bet_id, -amount, balance_after, head
    )  # as the general path: every debit has its entry, even of 0
    bet = Bet(
        bet_id,
        request.provider,
        request.transaction_id,
        request.player_id,
        request.currency,
        BetState.PLACED,
        amount,
        0,
        created_at,
        None,
        None,
    )
    return written, bet


def _refuse(db: sqlite3.Connection, request: MoneyRequest, raw: _Raw, at: str) -> Refused:
    """An uncovered debit's refusal, stored as the general path stores it (rule 3). A bet with its
    key (a cancel's tombstone, a debit placed already) is the general path's to decide."""
    account = db.execute(BALANCE, (request.player_id, request.currency)).fetchone()
    if (
        account is None
        or account[1] >= request.amount
        or db.execute(HAS_BET, (request.provider, request.transaction_id)).fetchone() is not None
    ):
        raise _NotTheUsualCase
    account_id, balance = account
    (tx_id,) = db.execute(
        STORE,
        _transaction(
            request,
            raw,
            at,
            account_id,
            None,
            0,
            balance,
            status="failed",
            error_reason="INSUFFICIENT_FUNDS",
            error_metadata={"transaction_id": request.transaction_id},
        ),
    ).fetchone()
    return Refused(tx_id, account_id, balance)


def _payout(db: sqlite3.Connection, request: MoneyRequest, raw: _Raw, created_at: datetime) -> tuple[Written, Bet]:
    at = _text(created_at)
    amount = request.amount
    key = (request.provider, request.reference_id, request.player_id, request.currency, request.transaction_id)
    settled = db.execute(SETTLE_BET, (amount, at, *key)).fetchone()
    if settled is None:
        raise _NotTheUsualCase
    added = db.execute(ADD, (amount, request.player_id, request.currency)).fetchone()
    if added is None:
        raise _NotTheUsualCase
    bet_id, stake, payout, placed_at, settled_at, cancelled_at = settled
    account_id, balance_after, head = added
    written = _store(
        db, request, raw, created_at, at, account_id, bet_id, amount, balance_after, head if amount else None
    )
    bet = Bet(
        bet_id,
        request.provider,
        request.reference_id,
        request.player_id,
        request.currency,
        BetState.SETTLED,
        stake,
        payout,
        utc(placed_at),
        utc(settled_at),
        utc(cancelled_at),
    )
    return written, bet


def _store(
    db: sqlite3.Connection,
    request: MoneyRequest,
    raw: _Raw,
    created_at: datetime,
    at: str,
    account_id: int,
    bet_id: int,
    change: int,
    balance_after: int,
    head: bytes | None,
) -> Written:
    """The completed transaction (stamped ``created_at``, as text ``at``) and, given the account's
    chain ``head`` (None: no entry, a payout of 0), its entry chained to it and the head moved on."""
    (tx_id,) = db.execute(STORE, _transaction(request, raw, at, account_id, bet_id, change, balance_after)).fetchone()
    if head is not None:
        chained = chain.entry_hash(head, account_id, tx_id, change, balance_after, created_at)
        db.execute(ENTRY, (account_id, tx_id, change, balance_after, at, chained))
        db.execute(MOVE_HEAD, (chained, account_id))
    return Written(tx_id, account_id, balance_after)


def _transaction(
    request: MoneyRequest,
    raw: _Raw,
    at: str,
    account_id: int,
    bet_id: int | None,
    change: int,
    balance_after: int,
    *,
    status: str = "completed",
    error_reason: str | None = None,
    error_metadata: dict[str, str] | None = None,
) -> tuple[Any, ...]:
    """STORE's parameters."""
    return (
        request.provider,
        request.kind.value,
        request.transaction_id,
        request.fingerprint,
        status,
        error_reason,
        json_text(error_metadata),
        account_id,
        bet_id,
        request.player_id,
        request.currency,
        request.amount,
        change,
        balance_after,
        request.round_id,
        request.game_id,
        request.table_id,
        request.reference_id,
        request.details_text,
        raw[0],
        request.client,
        _text(request.event_time) if request.event_time else None,
        at,
        raw[1],
    )


def _text(value: datetime) -> str:
    """A datetime as SQLAlchemy stores it in SQLite: UTC, no offset, microseconds."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
