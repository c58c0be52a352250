"""The database baseline: the debit done straight through asyncpg, with no gRPC and no core.

Variants (same rows as the core writes, same payload sizes, into the same ledger tables):
- `3-statements`: UPDATE the balance WHERE balance >= amount RETURNING, INSERT the transaction,
  INSERT the entry, in one database transaction (the issue's baseline);
- `core-statements`: the six statements the core runs for a new debit today (look up the
  idempotency key, look up and lock the bet key, UPDATE the balance, INSERT bet, transaction, entry);
- `1-statement`: the same writes as one SQL statement (data-modifying CTEs), one round trip.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import asyncpg

from bench import payloads
from bench.load import WARMUP_SECONDS, Tally, drive

_UPDATE = """UPDATE accounts SET balance = balance - $3
WHERE player_id = $1 AND currency = $2 AND balance >= $3 RETURNING id, balance"""
_TRANSACTION = """INSERT INTO transactions (provider, kind, transaction_id, request_hash, status, account_id, bet_id,
 player_id, currency, amount, balance_change, balance_after, round_id, game_id, table_id, reference_id, details,
 raw_request, client, event_time, created_at)
VALUES ($1, 'debit', $2, $3, 'completed', $4, $5, $6, $7, $8, -$8::bigint, $9, $10, $11, $12, '', $13, $14,
 'bench-driver', $15, $16) RETURNING id"""
_ENTRY = """INSERT INTO entries (account_id, transaction_id, amount, balance_after, created_at)
VALUES ($1, $2, -$3::bigint, $4, $5)"""
_FIND_TRANSACTION = "SELECT * FROM transactions WHERE provider = $1 AND kind = 'debit' AND transaction_id = $2"
_FIND_BET = "SELECT * FROM bets WHERE provider = $1 AND transaction_id = $2 FOR UPDATE"
_BET = """INSERT INTO bets (provider, transaction_id, player_id, currency, state, stake, payout, placed_at)
VALUES ($1, $2, $3, $4, 'placed', $5, 0, $6) RETURNING id"""
_ONE_STATEMENT = """WITH a AS (
  UPDATE accounts SET balance = balance - $5 WHERE player_id = $3 AND currency = $4 AND balance >= $5
  RETURNING id, balance),
b AS (
  INSERT INTO bets (provider, transaction_id, player_id, currency, state, stake, payout, placed_at)
  SELECT $1, $2, $3, $4, 'placed', $5, 0, $13 FROM a RETURNING id),
t AS (
  INSERT INTO transactions (provider, kind, transaction_id, request_hash, status, account_id, bet_id, player_id,
   currency, amount, balance_change, balance_after, round_id, game_id, table_id, reference_id, details,
   raw_request, client, event_time, created_at)
  SELECT $1, 'debit', $2, $6, 'completed', a.id, b.id, $3, $4, $5, -$5::bigint, a.balance, $7, $8, $9, '', $10,
   $11, 'bench-driver', $12, $13 FROM a, b RETURNING id, account_id, balance_after)
INSERT INTO entries (account_id, transaction_id, amount, balance_after, created_at)
SELECT t.account_id, t.id, -$5::bigint, t.balance_after, $13 FROM t RETURNING id"""

VARIANTS = ("3-statements", "core-statements", "1-statement")


def _debit(name: str, i: int, player: str, at_ms: int) -> tuple[Any, ...]:
    tx_id = f"{name}-{i:07d}"
    params = payloads.aigame_bet(player, tx_id, at_ms)
    details = json.dumps({k: v for k, v in params.items() if k != "sign"})
    request_hash = hashlib.sha256(f"{tx_id}{player}".encode()).hexdigest()
    event_time = datetime.fromtimestamp(at_ms / 1000, UTC)
    raw = json.dumps(params, separators=(",", ":"))
    return tx_id, player, request_hash, details, raw, event_time


class DriverCase:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.variant: str = spec["variant"]
        if self.variant not in VARIANTS:
            raise ValueError(f"unknown driver variant {self.variant!r}")
        self.pool: asyncpg.Pool | None = None
        self.debits: list[tuple[Any, ...]] = []

    def _debits(self, name: str, count: int) -> list[tuple[Any, ...]]:
        at = payloads.now_ms()
        who = payloads.players_for(name, count, self.spec["players"])
        return [_debit(name, i, who[i], at) for i in range(count)]

    async def prepare(self) -> None:
        spec = self.spec
        size = min(spec["concurrency"], spec["pool_size"])
        self.pool = await asyncpg.create_pool(spec["dsn"], min_size=size, max_size=size)
        self.debits = self._debits(spec["name"], spec["requests"])
        warm = self._debits("warm-" + spec["name"], spec.get("warmup", 0))
        if warm:
            tally = Tally()
            await drive(len(warm), spec["concurrency"], self._step(warm, tally), WARMUP_SECONDS)
            if tally.failed:
                raise RuntimeError(f"warm-up failed: {tally.errors}")

    async def _one(self, connection: asyncpg.Connection, debit: tuple[Any, ...]) -> bool:
        tx_id, player, request_hash, details, raw, event_time = debit
        amount, provider, now = payloads.AMOUNT_MINOR, "bench-driver", datetime.now(UTC)
        game = payloads.GAME
        if self.variant == "1-statement":
            row = await connection.fetchval(
                _ONE_STATEMENT, provider, tx_id, player, payloads.CURRENCY, amount, request_hash,
                str(game["round_id"]), game["game_id"], game["inst_id"], details, raw, event_time, now)
            return row is not None
        async with connection.transaction():
            bet_id = None
            if self.variant == "core-statements":
                if await connection.fetchrow(_FIND_TRANSACTION, provider, tx_id) is not None:
                    return False
                if await connection.fetchrow(_FIND_BET, provider, tx_id) is not None:
                    return False
            taken = await connection.fetchrow(_UPDATE, player, payloads.CURRENCY, amount)
            if taken is None:
                return False
            account_id, balance = taken
            if self.variant == "core-statements":
                bet_id = await connection.fetchval(_BET, provider, tx_id, player, payloads.CURRENCY, amount, now)
            stored = await connection.fetchval(
                _TRANSACTION, provider, tx_id, request_hash, account_id, bet_id, player, payloads.CURRENCY, amount,
                balance, str(game["round_id"]), game["game_id"], game["inst_id"], details, raw, event_time, now)
            await connection.execute(_ENTRY, account_id, stored, amount, balance, now)
        return True

    def _step(self, debits: list[tuple[Any, ...]], tally: Tally) -> Callable[[int, int], Awaitable[None]]:
        pool, one = self.pool, self._one
        assert pool is not None
        clock = time.perf_counter_ns

        async def step(k: int, i: int) -> None:
            started = clock()
            try:
                async with pool.acquire() as connection:
                    done = await one(connection, debits[i])
            except (asyncpg.PostgresError, OSError) as error:
                tally.latencies.append(clock() - started)
                tally.fail(f"{type(error).__name__}: {error}")
                return
            tally.latencies.append(clock() - started)
            if done:
                tally.ok += 1
            else:
                tally.fail("not debited")

        return step

    async def run(self) -> dict[str, Any]:
        tally = Tally()
        elapsed, cpu = await drive(len(self.debits), self.spec["concurrency"], self._step(self.debits, tally),
                                   self.spec.get("max_seconds"))
        return tally.figures(elapsed, cpu)

    async def close(self) -> None:
        if self.pool is not None:
            await self.pool.close()
