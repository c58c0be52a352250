"""SQLite: the usual debit and the usual payout as one transaction on one writer thread.

Through SQLAlchemy and aiosqlite a debit is six statements, each built by SQLAlchemy and handed
to aiosqlite's thread and back (about 5 ms of CPU a debit, measured). Here the same writes are
plain ``sqlite3`` calls with cached statements, run start to finish in one hop to a dedicated
thread (the GIL is released while SQLite works). The rules are the ledger's (``fast_path``):
- debit: take the stake only if the balance covers it, open the bet, store the transaction and
  its entry;
- payout: settle a placed or settled bet of the same player and currency (its payout grows),
  add to the balance, store the transaction and its entry (none for 0).
Anything else writes nothing: no cover, no account or no such bet (an UPDATE matches no row:
None), a key seen before (UNIQUE fails: UniqueKeyTaken), a balance past its limit (the CHECK
fails: None), a locked or broken database (FastPathFailed). BEGIN IMMEDIATE takes the write
lock first, as the general path does, so a check and its write never interleave with another
connection's.

Rows are written as SQLAlchemy writes them (datetimes as "YYYY-MM-DD HH:MM:SS.ffffff" UTC text,
JSON as ``json.dumps`` text), so that every other reader sees one format.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import TypeVar

from wallet_core.domain import Bet, BetState, MoneyRequest
from wallet_core.store.database import SQLITE_PRAGMAS
from wallet_core.store.fast_path import FastPathFailed, UniqueKeyTaken, Written

T = TypeVar("T")

TAKE = """UPDATE accounts SET balance = balance - ?1
WHERE player_id = ?2 AND currency = ?3 AND balance >= ?1 RETURNING id, balance"""
ADD = """UPDATE accounts SET balance = balance + ?1
WHERE player_id = ?2 AND currency = ?3 RETURNING id, balance"""
OPEN_BET = """INSERT INTO bets (provider, transaction_id, player_id, currency, state, stake, payout, placed_at)
VALUES (?, ?, ?, ?, 'placed', ?, 0, ?) RETURNING id"""
SETTLE_BET = """UPDATE bets SET state = 'settled', payout = payout + ?1, settled_at = ?2
WHERE provider = ?3 AND transaction_id = ?4 AND player_id = ?5 AND currency = ?6
    AND state IN ('placed', 'settled')
RETURNING id, stake, payout, placed_at, settled_at, cancelled_at"""
STORE = """INSERT INTO transactions (
    provider, kind, transaction_id, request_hash, status, error_reason, error_metadata, account_id, bet_id,
    player_id, currency, amount, balance_change, balance_after, round_id, game_id, table_id, reference_id,
    details, raw_request, client, event_time, created_at)
VALUES (?, ?, ?, ?, 'completed', NULL, 'null', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"""
ENTRY = "INSERT INTO entries (account_id, transaction_id, amount, balance_after, created_at) VALUES (?, ?, ?, ?, ?)"


class _NotTheUsualCase(Exception):
    """Raised inside a write to roll it back and answer None."""


class SqliteWriter:
    """SQLite's fast path (``fast_path.FastPath``) on one thread and one connection of its own."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-writer")
        self._connection: sqlite3.Connection | None = None  # opened, used and closed on the thread

    async def debit(self, request: MoneyRequest, amount: int, request_hash: str,
                    created_at: datetime) -> tuple[Written, Bet] | None:
        return await self._on_thread(lambda db: _debit(db, request, amount, request_hash, created_at))

    async def payout(self, request: MoneyRequest, amount: int, request_hash: str,
                     created_at: datetime) -> tuple[Written, Bet] | None:
        return await self._on_thread(lambda db: _payout(db, request, amount, request_hash, created_at))

    async def close(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self._thread, self._disconnect)
        self._thread.shutdown(wait=True)

    async def _on_thread(self, write: Callable[[sqlite3.Connection], T]) -> T | None:
        return await asyncio.get_running_loop().run_in_executor(self._thread, self._in_transaction, write)

    def _in_transaction(self, write: Callable[[sqlite3.Connection], T]) -> T | None:
        try:
            db = self._connect()
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            raise FastPathFailed(f"{type(error).__name__}: {error}") from error
        try:
            done = write(db)
            db.execute("COMMIT")
            return done
        except _NotTheUsualCase:
            db.rollback()
            return None
        except sqlite3.IntegrityError as error:
            db.rollback()
            if "UNIQUE" in str(error):
                raise UniqueKeyTaken from error
            return None  # the balance's CHECK: the general path refuses it with its reason
        except BaseException as error:
            _roll_back_if_open(db)
            if isinstance(error, sqlite3.Error):
                raise FastPathFailed(f"{type(error).__name__}: {error}") from error
            raise

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            # Autocommit mode: the transactions are the explicit BEGIN IMMEDIATE ... COMMIT above.
            connection = sqlite3.connect(self._path, timeout=30, isolation_level=None, cached_statements=16)
            for pragma in SQLITE_PRAGMAS:
                connection.execute(pragma)
            self._connection = connection
        return self._connection

    def _disconnect(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _debit(db: sqlite3.Connection, request: MoneyRequest, amount: int, request_hash: str,
           created_at: datetime) -> tuple[Written, Bet]:
    at = _text(created_at)
    taken = db.execute(TAKE, (amount, request.player_id, request.currency)).fetchone()
    if taken is None:
        raise _NotTheUsualCase
    account_id, balance_after = taken
    (bet_id,) = db.execute(OPEN_BET, (request.provider, request.transaction_id, request.player_id,
                                      request.currency, amount, at)).fetchone()
    written = _store(db, request, amount, request_hash, at, account_id, bet_id, -amount, balance_after,
                     entry=True)  # as the general path: every debit has its entry, even of 0
    bet = Bet(bet_id, request.provider, request.transaction_id, request.player_id, request.currency,
              BetState.PLACED, amount, 0, created_at, None, None)
    return written, bet


def _payout(db: sqlite3.Connection, request: MoneyRequest, amount: int, request_hash: str,
            created_at: datetime) -> tuple[Written, Bet]:
    at = _text(created_at)
    settled = db.execute(SETTLE_BET, (amount, at, request.provider, request.reference_id, request.player_id,
                                      request.currency)).fetchone()
    if settled is None:
        raise _NotTheUsualCase
    added = db.execute(ADD, (amount, request.player_id, request.currency)).fetchone()
    if added is None:
        raise _NotTheUsualCase
    bet_id, stake, payout, placed_at, settled_at, cancelled_at = settled
    account_id, balance_after = added
    written = _store(db, request, amount, request_hash, at, account_id, bet_id, amount, balance_after,
                     entry=amount != 0)
    bet = Bet(bet_id, request.provider, request.reference_id, request.player_id, request.currency,
              BetState.SETTLED, stake, payout, _datetime(placed_at), _datetime(settled_at), _datetime(cancelled_at))
    return written, bet


def _store(db: sqlite3.Connection, request: MoneyRequest, amount: int, request_hash: str, at: str,
           account_id: int, bet_id: int, change: int, balance_after: int, *, entry: bool) -> Written:
    """The transaction and, with ``entry``, its entry."""
    (tx_id,) = db.execute(STORE, (
        request.provider, request.kind.value, request.transaction_id, request_hash, account_id, bet_id,
        request.player_id, request.currency, amount, change, balance_after, request.round_id, request.game_id,
        request.table_id, request.reference_id, json.dumps(request.details), request.raw_request, request.client,
        _text(request.event_time) if request.event_time else None, at,
    )).fetchone()
    if entry:
        db.execute(ENTRY, (account_id, tx_id, change, balance_after, at))
    return Written(tx_id, account_id, balance_after)


def _roll_back_if_open(db: sqlite3.Connection) -> None:
    try:
        if db.in_transaction:
            db.rollback()
    except sqlite3.Error:
        pass  # the connection is broken; SQLite rolls back what it did not commit


def _text(value: datetime) -> str:
    """A datetime as SQLAlchemy stores it in SQLite: UTC, no offset, microseconds."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _datetime(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value).replace(tzinfo=UTC)
