"""PostgreSQL's fast path: the usual debits and the usual payouts in batches, one commit each.

The ledger's rules for the common case, as the functions of migrations 0002, 0003 and 0005 apply them:
- DEBIT, a new bet the balance covers: take the stake only if the balance covers it, open the
  bet, store the transaction and its entry (``wallet_debit_batch``); a new bet the balance does
  not cover: store the refusal with the balance read under the account's lock (Refused). An
  account's first debit in a batch locks its row; its later ones are decided under that lock
  against the balance the function keeps, and the row is written once, at the batch's end;
- PAYOUT, a new credit for a placed or settled bet of the same player and currency: settle the
  bet (its payout grows), add to the balance, store the transaction and its entry, none for 0
  (``wallet_payout_batch``).
Calls that arrive while a batch is in flight go together as the next one (``store.batcher``):
one statement, one round trip and one commit for all of them, each item decided on its own in a
sub-block. Every other case leaves its item unwritten, and the ledger's general path decides it:
replays, conflicting ids and tombstones (a unique key: UniqueKeyTaken; ``find`` reads what holds
it, so that a replay is answered without the general path), other refusals, no
account, no such bet, a balance past its limit (None); a batch the database refuses as a whole
(connection lost, a deadlock broken by PostgreSQL) fails each of its items with FastPathFailed,
and the general path finds as a replay whatever did commit.

Locks: items are sent sorted by (player, currency), a stable sort, so one player's calls keep
their order of arrival; a payout batch locks all its bets before any account (the general path's
order: bet, then account). With one debit batch and one payout batch in flight per process, the
batches of several core processes take their account locks in one order. Two batches inserting
the same new key for different players can still deadlock: PostgreSQL breaks it after its
``deadlock_timeout``, and that batch's items take the general path.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import NamedTuple

import asyncpg

from wallet_core.domain import Bet, BetState, Kind, MoneyRequest, Transaction
from wallet_core.store import stored_by_key
from wallet_core.store.batcher import Batcher
from wallet_core.store.fast_path import FastPathFailed, Refused, UniqueKeyTaken, Written
from wallet_core.store.postgres_hosts import HostByHost, asyncpg_dsn, is_multi_host
from wallet_core.store.queries import utc
from wallet_core.store.raw_requests import RawRequests

MAX_BATCH = 64
"""Each item of a batch is a subtransaction, and PostgreSQL keeps 64 of them per transaction in
shared memory; past that, every other session's snapshot has to look them up on disk."""

ARGUMENTS = "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16"
"""The functions of migration 0007: those of 0002/0005 with the packed raw requests last."""
DEBIT_BATCH = f"SELECT * FROM wallet_debit_batch({ARGUMENTS})"
PAYOUT_BATCH = f"SELECT * FROM wallet_payout_batch({ARGUMENTS})"

DRIVER_ERRORS = (asyncpg.PostgresError, asyncpg.InterfaceError, asyncpg.InternalClientError, OSError, TimeoutError)
"""What the store can answer instead of rows (InternalClientError: seen while PostgreSQL restarts,
docs/faults.md)."""


class _Call(NamedTuple):
    request: MoneyRequest
    created_at: datetime
    raw: tuple[str, bytes | None]  # raw_request, raw_request_packed


async def keep_session(_connection: asyncpg.Connection) -> None:
    """No reset when a connection goes back to the pool: asyncpg's default (RESET ALL, UNLISTEN,
    CLOSE ALL, advisory unlocks) costs a second round trip per call, and this pool's single
    statements leave no session state behind. An open transaction is still rolled back by asyncpg."""


class GroupCommit:
    """PostgreSQL's fast path (``fast_path.FastPath``) on asyncpg's own pool: the raw driver on the
    hot path, with none of the ORM pool's per-checkout work (measured: about 3x the rate through
    SQLAlchemy's pool)."""

    def __init__(self, database_url: str, pool_size: int, raw_requests: RawRequests | None = None) -> None:
        self._raw_requests = raw_requests or RawRequests({}, None)  # None given: every raw request as text
        self._dsn = asyncpg_dsn(database_url)  # every host of a multi-host URL, not only the last
        # ... each tried with the whole timeout (asyncpg's own connect shares one among them)
        self._connect = HostByHost(database_url) if is_multi_host(database_url) else None
        self._pool_size = pool_size
        self._pool: asyncpg.Pool | None = None
        self._opening = asyncio.Lock()  # concurrent first calls must not open two pools
        self._debits = Batcher(self._sender(DEBIT_BATCH), MAX_BATCH, _each_caller_its_own)
        self._payouts = Batcher(self._sender(PAYOUT_BATCH), MAX_BATCH, _each_caller_its_own)

    async def _connections(self) -> asyncpg.Pool:
        async with self._opening:
            if self._pool is None:
                self._pool = await asyncpg.create_pool(
                    self._dsn,
                    min_size=1,
                    max_size=self._pool_size,
                    timeout=5,
                    command_timeout=30,
                    reset=keep_session,
                    connect=self._connect,
                )
        return self._pool

    async def close(self) -> None:
        await self._debits.close()
        await self._payouts.close()
        async with self._opening:
            if self._pool is not None:
                await self._pool.close()
                self._pool = None

    async def debit(self, request: MoneyRequest, created_at: datetime) -> tuple[Written, Bet] | Refused | None:
        raw = await self._raw_requests.columns(request.provider, request.raw_request)
        row = _written(await self._debits.submit(_Call(request, created_at, raw)))
        if row is None:
            return None
        if row["outcome"] == "refused":
            return Refused(int(row["stored_id"]), int(row["stored_account"]), int(row["stored_balance"]))
        bet = Bet(
            int(row["stored_bet"]),
            request.provider,
            request.transaction_id,
            request.player_id,
            request.currency,
            BetState.PLACED,
            request.amount,
            0,
            created_at,
            None,
            None,
        )
        return _stored(row), bet

    async def payout(self, request: MoneyRequest, created_at: datetime) -> tuple[Written, Bet] | None:
        raw = await self._raw_requests.columns(request.provider, request.raw_request)
        row = _written(await self._payouts.submit(_Call(request, created_at, raw)))
        if row is None:
            return None
        bet = Bet(
            int(row["stored_bet"]),
            request.provider,
            request.reference_id,
            request.player_id,
            request.currency,
            BetState.SETTLED,
            int(row["bet_stake"]),
            int(row["bet_payout"]),
            utc(row["bet_placed_at"]),
            utc(row["bet_settled_at"]),
            utc(row["bet_cancelled_at"]),
        )
        return _stored(row), bet

    async def find(self, provider: str, kind: Kind, transaction_id: str) -> Transaction | None:
        try:
            pool = await self._connections()
            row = await pool.fetchrow(stored_by_key.POSTGRES, provider, kind.value, transaction_id)
        except DRIVER_ERRORS as error:
            raise FastPathFailed(f"{type(error).__name__}: {error}") from error
        return None if row is None else stored_by_key.transaction(row)

    def _sender(self, statement: str) -> Callable[[list[_Call]], Awaitable[list[asyncpg.Record]]]:
        async def send(calls: list[_Call]) -> list[asyncpg.Record]:
            """One statement for every call, sorted by (player, currency); rows in ``calls``'s order."""
            order = sorted(range(len(calls)), key=lambda k: (calls[k].request.player_id, calls[k].request.currency))
            sent = [calls[k] for k in order]
            requests = [c.request for c in sent]
            pool = await self._connections()
            try:
                rows = await pool.fetch(
                    statement,
                    [r.amount for r in requests],
                    [r.player_id for r in requests],
                    [r.currency for r in requests],
                    [r.provider for r in requests],
                    [r.transaction_id for r in requests],
                    [c.created_at for c in sent],
                    [r.fingerprint for r in requests],
                    [r.round_id for r in requests],
                    [r.game_id for r in requests],
                    [r.table_id for r in requests],
                    [r.reference_id for r in requests],
                    [r.details_text for r in requests],
                    [c.raw[0] for c in sent],
                    [r.client for r in requests],
                    [r.event_time for r in requests],
                    [c.raw[1] for c in sent],
                )
            except DRIVER_ERRORS as error:
                raise FastPathFailed(f"{type(error).__name__}: {error}") from error
            answered = dict(zip(order, rows, strict=True))
            return [answered[k] for k in range(len(calls))]

        return send


def _written(row: asyncpg.Record) -> asyncpg.Record | None:
    """The row of a written (or a stored refused) item; None for "not the usual case";
    UniqueKeyTaken for a key seen before."""
    if row["outcome"] == "taken":
        raise UniqueKeyTaken
    return row if row["outcome"] in ("written", "refused") else None


def _stored(row: asyncpg.Record) -> Written:
    return Written(int(row["stored_id"]), int(row["stored_account"]), int(row["stored_balance"]))


def _each_caller_its_own(error: BaseException) -> BaseException:
    """The exception each caller of a failed batch raises: its own object, so that the tracebacks
    added as each caller re-raises it do not pile up on one shared object."""
    if isinstance(error, FastPathFailed):
        return FastPathFailed(str(error))
    own = RuntimeError(f"a batch failed: {type(error).__name__}: {error}")
    own.__cause__ = error
    return own
