"""PostgreSQL: the usual debit and the usual payout in one statement and one round trip each.

The ledger's rules for the common case, written as one statement of data-modifying CTEs and run
outside an explicit transaction (one statement is atomic):
- DEBIT, a new bet the balance covers: take the stake only if the balance covers it, open the
  bet, store the transaction and its entry;
- PAYOUT, a new credit for a placed or settled bet of the same player and currency: settle the
  bet (its payout grows), add to the balance, store the transaction and its entry (none for 0).
Every other case makes the statement do nothing or fail as a whole, and the ledger then takes its
general path, which sorts out replays, refusals and the rare cases:
- debit: balance too low, or no account: the UPDATE matches no row, so nothing is inserted;
- payout: no such bet, or cancelled, or another player's or currency's: the bet's UPDATE matches
  no row, so nothing else happens; a balance past the ledger's limit fails the accounts' CHECK;
- the id was seen before (a replay or a conflict) or a cancel left a tombstone: a unique key is
  violated and the whole statement is rolled back.
Each statement locks in the general path's order (bet, then account, for a payout), and a
concurrent cancel that commits first leaves a payout's bet UPDATE with no row (PostgreSQL
re-checks the WHERE on the row a waiting UPDATE gets).
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime

import asyncpg
from sqlalchemy.engine import make_url

from wallet_core.domain import Bet, BetState, MoneyRequest
from wallet_core.store.fast_path import FastPathFailed, UniqueKeyTaken, Written
from wallet_core.store.queries import utc


def _store_transaction(kind: str, balance_change: str) -> str:
    """The INSERT of the completed transaction, from the statement's `account` and `bet` rows;
    one text for both statements, so that a new column is added once. The parameters are the
    same in both: see ``OneStatement._run``."""
    return f"""INSERT INTO transactions (
        provider, kind, transaction_id, request_hash, status, account_id, bet_id, player_id, currency,
        amount, balance_change, balance_after, round_id, game_id, table_id, reference_id, details,
        raw_request, client, event_time, created_at)
    SELECT $4, '{kind}', $5, $7, 'completed', account.id, bet.id, $2, $3,
        $1::bigint, {balance_change}, account.balance, $8, $9, $10, $11, $12::json, $13, $14, $15, $6
    FROM account, bet
    RETURNING id, account_id, bet_id, balance_after"""


DEBIT = f"""
WITH account AS (
    UPDATE accounts SET balance = balance - $1::bigint
    WHERE player_id = $2 AND currency = $3 AND balance >= $1::bigint
    RETURNING id, balance
), bet AS (
    INSERT INTO bets (provider, transaction_id, player_id, currency, state, stake, payout, placed_at)
    SELECT $4, $5, $2, $3, 'placed', $1::bigint, 0, $6 FROM account
    RETURNING id
), tx AS (
    {_store_transaction("debit", "-$1::bigint")}
)
INSERT INTO entries (account_id, transaction_id, amount, balance_after, created_at)
SELECT account_id, id, -$1::bigint, balance_after, $6 FROM tx
RETURNING transaction_id, account_id, balance_after, (SELECT bet_id FROM tx)
"""

PAYOUT = f"""
WITH bet AS (
    UPDATE bets SET state = 'settled', payout = payout + $1::bigint, settled_at = $6
    WHERE provider = $4 AND transaction_id = $11 AND player_id = $2 AND currency = $3
        AND state IN ('placed', 'settled')
    RETURNING id, stake, payout, placed_at, settled_at, cancelled_at
), account AS (
    UPDATE accounts SET balance = accounts.balance + $1::bigint
    FROM bet
    WHERE accounts.player_id = $2 AND accounts.currency = $3
    RETURNING accounts.id, accounts.balance
), tx AS (
    {_store_transaction("credit", "$1::bigint")}
), entry AS (
    INSERT INTO entries (account_id, transaction_id, amount, balance_after, created_at)
    SELECT account_id, id, $1::bigint, balance_after, $6 FROM tx WHERE $1::bigint <> 0
)
SELECT tx.id, tx.account_id, tx.balance_after,
    bet.id, bet.stake, bet.payout, bet.placed_at, bet.settled_at, bet.cancelled_at
FROM tx, bet
"""


async def keep_session(_connection: asyncpg.Connection) -> None:
    """No reset when a connection goes back to the pool: asyncpg's default (RESET ALL, UNLISTEN,
    CLOSE ALL, advisory unlocks) costs a second round trip per call, and this pool's single
    statements leave no session state behind. An open transaction is still rolled back by asyncpg."""


class OneStatement:
    """PostgreSQL's fast path (``fast_path.FastPath``): DEBIT and PAYOUT on asyncpg's own pool, the
    raw driver on the hot path, with none of the ORM pool's per-checkout work (measured: about 3x
    the rate through SQLAlchemy's pool)."""

    def __init__(self, database_url: str, pool_size: int) -> None:
        self._dsn = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
        self._pool_size = pool_size
        self._pool: asyncpg.Pool | None = None
        self._opening = asyncio.Lock()  # concurrent first calls must not open two pools

    async def _connections(self) -> asyncpg.Pool:
        async with self._opening:
            if self._pool is None:
                self._pool = await asyncpg.create_pool(
                    self._dsn, min_size=1, max_size=self._pool_size, timeout=5, command_timeout=30,
                    reset=keep_session)
        return self._pool

    async def close(self) -> None:
        async with self._opening:
            if self._pool is not None:
                await self._pool.close()
                self._pool = None

    async def debit(self, request: MoneyRequest, amount: int, request_hash: str,
                    created_at: datetime) -> tuple[Written, Bet] | None:
        row = await self._run(DEBIT, request, amount, request_hash, created_at)
        if row is None:
            return None
        bet = Bet(int(row[3]), request.provider, request.transaction_id, request.player_id, request.currency,
                  BetState.PLACED, amount, 0, created_at, None, None)
        return Written(int(row[0]), int(row[1]), int(row[2])), bet

    async def payout(self, request: MoneyRequest, amount: int, request_hash: str,
                     created_at: datetime) -> tuple[Written, Bet] | None:
        row = await self._run(PAYOUT, request, amount, request_hash, created_at)
        if row is None:
            return None
        bet = Bet(int(row[3]), request.provider, request.reference_id, request.player_id, request.currency,
                  BetState.SETTLED, int(row[4]), int(row[5]), utc(row[6]), utc(row[7]), utc(row[8]))
        return Written(int(row[0]), int(row[1]), int(row[2])), bet

    async def _run(self, statement: str, request: MoneyRequest, amount: int, request_hash: str,
                   created_at: datetime) -> asyncpg.Record | None:
        pool = await self._connections()
        try:
            return await pool.fetchrow(
                statement, amount, request.player_id, request.currency, request.provider, request.transaction_id,
                created_at, request_hash, request.round_id, request.game_id, request.table_id,
                request.reference_id, json.dumps(request.details), request.raw_request, request.client,
                request.event_time,
            )
        except asyncpg.UniqueViolationError as error:
            raise UniqueKeyTaken from error
        except asyncpg.CheckViolationError:
            return None  # the balance's range: the general path refuses it with its reason
        except (asyncpg.PostgresError, asyncpg.InterfaceError, asyncpg.InternalClientError, OSError,
                TimeoutError) as error:  # InternalClientError: seen while PostgreSQL restarts (docs/faults.md)
            raise FastPathFailed(f"{type(error).__name__}: {error}") from error
