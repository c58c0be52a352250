"""The database baseline: the debit done straight through asyncpg, with no gRPC and no core.

Variants (same rows as the core writes, same payload sizes, into the same ledger tables):
- `3-statements`: UPDATE the balance WHERE balance >= amount RETURNING, INSERT the transaction,
  INSERT the entry, in one database transaction (the issue's baseline);
- `core-statements`: the six statements of the ledger's general debit path (look up the idempotency
  key, look up and lock the bet key, UPDATE the balance, INSERT bet, transaction, entry);
- `1-statement`: the same writes as one SQL statement (data-modifying CTEs), one round trip;
- `group-commit`: the 1-statement debit for 16 players at once (arrays unnested), one commit for
  all 16: what group commit could give at the database. The 64 debits in flight are 4 batches.
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
from bench.driver_sql import (
    BET,
    ENTRY,
    FIND_BET,
    FIND_TRANSACTION,
    GROUP_COMMIT,
    ONE_STATEMENT,
    TRANSACTION,
    UPDATE,
)
from bench.load import WARMUP_SECONDS, Tally, drive
from wallet_core.store.database import json_text
from wallet_core.store.group_commit import keep_session

VARIANTS = ("3-statements", "core-statements", "1-statement", "group-commit")
BATCH = 16  # debits per statement in the group-commit variant


def _debit(name: str, i: int, player: str, at_ms: int) -> tuple[Any, ...]:
    tx_id = payloads.transaction_id(name, i, at_ms)
    params = payloads.aigame_bet(player, tx_id, at_ms)
    details = json_text(payloads.bet_details(params))  # as the core writes it: compact
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
        self.batch = BATCH if self.variant == "group-commit" else 1
        self.workers = max(1, spec["concurrency"] // self.batch)  # debits in flight: `concurrency`
        self.pool: asyncpg.Pool | None = None
        self.debits: list[tuple[Any, ...]] = []

    def _debits(self, name: str, count: int) -> list[tuple[Any, ...]]:
        at, players = payloads.now_ms(), self.spec["players"]
        who = payloads.players_for(name, count, players)
        for start in range(0, count, self.batch):  # one player at most once per batch
            seen: set[str] = set()
            for i in range(start, min(start + self.batch, count)):
                while who[i] in seen:
                    who[i] = payloads.player_id((int(who[i][1:]) + 1) % players)
                seen.add(who[i])
        return [_debit(name, i, who[i], at) for i in range(count)]

    async def prepare(self) -> None:
        spec = self.spec
        size = min(self.workers, spec["pool_size"])
        # The core's pool skips asyncpg's reset on release (a round trip); so does the baseline.
        self.pool = await asyncpg.create_pool(spec["dsn"], min_size=size, max_size=size, reset=keep_session)
        self.debits = self._debits(spec["name"], spec["requests"])
        warm = self._debits("warm-" + spec["name"], spec.get("warmup", 0))
        if warm:
            tally = Tally()
            await drive(-(-len(warm) // self.batch), self.workers, self._step(warm, tally), WARMUP_SECONDS)
            if tally.failed:
                raise RuntimeError(f"warm-up failed: {tally.errors}")

    async def _many(self, connection: asyncpg.Connection, debits: list[tuple[Any, ...]]) -> int:
        """The group-commit variant: every debit of the batch in one statement; how many were taken."""
        # by player, as the core sorts its batches: two batches locking accounts in other orders deadlock
        columns = list(zip(*sorted(debits, key=lambda debit: debit[1]), strict=True))
        game = payloads.GAME
        rows = await connection.fetch(
            GROUP_COMMIT,
            list(columns[0]),
            list(columns[1]),
            list(columns[2]),
            list(columns[3]),
            list(columns[4]),
            payloads.AMOUNT_MINOR,
            payloads.CURRENCY,
            "bench-driver",
            datetime.now(UTC),
            str(game["round_id"]),
            game["game_id"],
            game["inst_id"],
            debits[0][5],
        )
        return len(rows)

    async def _one(self, connection: asyncpg.Connection, debit: tuple[Any, ...]) -> bool:
        tx_id, player, request_hash, details, raw, event_time = debit
        amount, provider, now = payloads.AMOUNT_MINOR, "bench-driver", datetime.now(UTC)
        game = payloads.GAME
        if self.variant == "1-statement":
            row = await connection.fetchval(
                ONE_STATEMENT,
                provider,
                tx_id,
                player,
                payloads.CURRENCY,
                amount,
                request_hash,
                str(game["round_id"]),
                game["game_id"],
                game["inst_id"],
                details,
                raw,
                event_time,
                now,
            )
            return row is not None
        async with connection.transaction():
            bet_id = None
            if self.variant == "core-statements":
                if await connection.fetchrow(FIND_TRANSACTION, provider, tx_id) is not None:
                    return False
                if await connection.fetchrow(FIND_BET, provider, tx_id) is not None:
                    return False
            taken = await connection.fetchrow(UPDATE, player, payloads.CURRENCY, amount)
            if taken is None:
                return False
            account_id, balance = taken
            if self.variant == "core-statements":
                bet_id = await connection.fetchval(BET, provider, tx_id, player, payloads.CURRENCY, amount, now)
            stored = await connection.fetchval(
                TRANSACTION,
                provider,
                tx_id,
                request_hash,
                account_id,
                bet_id,
                player,
                payloads.CURRENCY,
                amount,
                balance,
                str(game["round_id"]),
                game["game_id"],
                game["inst_id"],
                details,
                raw,
                event_time,
                now,
            )
            await connection.execute(ENTRY, account_id, stored, amount, balance, now)
        return True

    def _step(self, debits: list[tuple[Any, ...]], tally: Tally) -> Callable[[int, int], Awaitable[None]]:
        pool, one, many, batch = self.pool, self._one, self._many, self.batch
        assert pool is not None
        clock = time.perf_counter_ns

        async def step(k: int, i: int) -> None:
            """One debit, or one batch of them: each debit's latency is its batch's."""
            chunk = debits[i * batch : (i + 1) * batch]
            started = clock()
            try:
                async with pool.acquire() as connection:
                    done = await many(connection, chunk) if batch > 1 else int(await one(connection, chunk[0]))
            except (asyncpg.PostgresError, OSError) as error:
                tally.latencies.extend([clock() - started] * len(chunk))
                for _ in chunk:
                    tally.fail(f"{type(error).__name__}: {error}")
                return
            tally.latencies.extend([clock() - started] * len(chunk))
            tally.ok += done
            for _ in range(len(chunk) - done):
                tally.fail("not debited")

        return step

    async def run(self) -> dict[str, Any]:
        tally = Tally()
        elapsed, cpu = await drive(
            -(-len(self.debits) // self.batch),
            self.workers,
            self._step(self.debits, tally),
            self.spec.get("max_seconds"),
        )
        return tally.figures(elapsed, cpu)

    async def close(self) -> None:
        if self.pool is not None:
            await self.pool.close()
