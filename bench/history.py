"""Years of history in bulk: a PostgreSQL ledger filled with N transactions shaped like production
before the cases run (`python -m bench --history N`).

Bets of several providers on many players, each settled (a payout, often of nothing) or cancelled,
ids that ascend as AIGame's do (an ObjectId: seconds first), `created_at` spread over `days` days
that end a day ago. The rows are written as the core writes them (a bet, its debit and its entry;
its payout or cancel and, when money moved, its entry; raw requests packed against their
provider's sample) and chained per account (`wallet_core.chain`), so that `wallet verify` accepts
the ledger; but they are generated here in Python and sent with COPY, not through the RPCs: the
RPCs would take hours for 10,000,000 transactions.

The COPY runs with `session_replication_role = replica` (the fill's own session): the foreign keys
are not checked row by row, since every row is written in an order that satisfies them but the
accounts, written last with their final balance and chain head.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg

from bench import payloads
from wallet_core import chain
from wallet_core.domain import Kind, fingerprint
from wallet_core.money import canonical
from wallet_core.store import raw_requests

# Providers and their share of the bets: AIGame's and two others, each with its own id region.
PROVIDERS: dict[str, float] = {"aigame": 0.6, "hist-evo": 0.25, "hist-prag": 0.15}
CURRENCY = payloads.CURRENCY
OPENING_BALANCE_MINOR = 10**12  # covers every stake: a history bet is never refused
STAKES_MINOR = (100, 200, 500, 1_000, 2_500)
CANCELLED_SHARE = 0.03
CHUNK_BETS = 20_000  # bets generated and sent per COPY round
REPLAY_SAMPLES = 2_000  # old debits kept for the replay case, spread over the whole history

TRANSACTION_COLUMNS = (
    "id",
    "provider",
    "kind",
    "transaction_id",
    "request_hash",
    "status",
    "account_id",
    "bet_id",
    "player_id",
    "currency",
    "amount",
    "balance_change",
    "balance_after",
    "round_id",
    "game_id",
    "table_id",
    "reference_id",
    "details",
    "raw_request",
    "raw_request_packed",
    "client",
    "event_time",
    "created_at",
)
BET_COLUMNS = (
    "id",
    "provider",
    "transaction_id",
    "player_id",
    "currency",
    "state",
    "stake",
    "payout",
    "placed_at",
    "settled_at",
    "cancelled_at",
)
ENTRY_COLUMNS = ("id", "account_id", "transaction_id", "amount", "balance_after", "created_at", "chain_hash")
ACCOUNT_COLUMNS = ("id", "player_id", "currency", "balance", "created_at", "chain_head")
FILLED_TABLES = ("accounts", "bets", "transactions", "entries", "raw_request_samples")


@dataclass(frozen=True)
class Shape:
    """What the history holds: `transactions` (about two per bet), on `players` players, over `days`
    days ending `end`."""

    transactions: int
    players: int
    days: float = 90.0
    end: datetime = field(default_factory=lambda: datetime.now(UTC) - timedelta(days=1))
    seed: int = 24

    @classmethod
    def of(cls, transactions: int, days: float = 90.0) -> Shape:
        """Many players: one per 50 transactions, between 100 and 200,000."""
        return cls(transactions, max(100, min(200_000, transactions // 50)), days)


@dataclass(frozen=True)
class OldDebit:
    """A debit of the history, as its replay must repeat it."""

    provider: str
    transaction_id: str
    player_id: str
    amount: str
    created_at: datetime


@dataclass
class Filled:
    transactions: int = 0
    bets: int = 0
    entries: int = 0
    accounts: int = 0
    first_at: datetime | None = None
    last_at: datetime | None = None
    seconds: float = 0.0
    old_debits: list[OldDebit] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "transactions": self.transactions,
            "bets": self.bets,
            "entries": self.entries,
            "accounts": self.accounts,
            "first_at": self.first_at.isoformat(timespec="seconds") if self.first_at else None,
            "last_at": self.last_at.isoformat(timespec="seconds") if self.last_at else None,
            "fill_s": round(self.seconds, 1),
        }


@dataclass
class Chunk:
    bets: list[tuple[Any, ...]] = field(default_factory=list)
    transactions: list[tuple[Any, ...]] = field(default_factory=list)
    entries: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass(frozen=True)
class Start:
    """The ids the history starts after (a ledger may hold rows already) and its samples' ids."""

    account: int
    bet: int
    transaction: int
    entry: int
    samples: dict[str, tuple[int, bytes]]


def history_player(index: int) -> str:
    return f"u{index:07d}"


def amount_text(minor: int) -> str:
    return f"{minor // 100}.{minor % 100:02d}"


def _micros(at: datetime) -> int:
    return (at - _EPOCH) // timedelta(microseconds=1)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# A bet's `details` as the AIGame gateway keeps them (`payloads.bet_details`: the fields without one
# of their own), and its raw requests written out as AIGame sends them (`payloads.aigame_bet`), with a
# signature of the same length: json.dumps and the signing rule cost more than the rest of a row.
_DETAILS = json.dumps(payloads.bet_details(payloads.aigame_bet("", "", 0)), separators=(",", ":"))


def bet_raw(player: str, bet_id: str, amount: str, at_ms: int, round_id: str, game_id: str, table_id: str) -> str:
    sign = hashlib.md5(f"{bet_id}{at_ms}".encode()).hexdigest()
    return (
        f'{{"agent_id":"{payloads.AIGAME_AGENT}","user_id":"{player}","game_id":"{game_id}","inst_id":"{table_id}",'
        f'"shoe_id":10231,"round_id":{round_id},"bet_txn_id":"{bet_id}","bet_amount":"{amount}",'
        f'"bet_time":{at_ms},"currency":"{CURRENCY}","timestamp":{at_ms},"sign":"{sign}"}}'
    )


def payout_raw(player: str, bet_id: str, win: str, at_ms: int, round_id: str, game_id: str, table_id: str) -> str:
    sign = hashlib.md5(f"{bet_id}{at_ms}{win}".encode()).hexdigest()
    return (
        f'{{"agent_id":"{payloads.AIGAME_AGENT}","user_id":"{player}","game_id":"{game_id}","inst_id":"{table_id}",'
        f'"shoe_id":10231,"round_id":{round_id},"bet_txn_id":"{bet_id}","win_amount":"{win}",'
        f'"pay_out_time":{at_ms},"currency":"{CURRENCY}","timestamp":{at_ms},"sign":"{sign}"}}'
    )


def sample_request(provider: str) -> str:
    """A raw bet of the provider, the sample its requests are packed against."""
    return json.dumps(payloads.aigame_bet("u0000000", "0" * 24, 0), separators=(",", ":"))


class Generator:
    """The history's rows in time order, chunk by chunk; the accounts' state as it goes."""

    def __init__(self, shape: Shape, start: Start) -> None:
        self.shape, self.start = shape, start
        self.rng = random.Random(shape.seed)
        self.bets = max(1, shape.transactions // 2)
        span = timedelta(days=shape.days)
        self.begin = shape.end - span
        self.step_us = max(2, int(span / timedelta(microseconds=1)) // self.bets)
        self.balances = [OPENING_BALANCE_MINOR] * shape.players
        self.heads = [chain.GENESIS] * shape.players
        self.marks = {p: payloads.case_mark(f"history-{p}") for p in PROVIDERS}
        self.counters = dict.fromkeys(PROVIDERS, 0)
        self.fingerprints: dict[tuple[Kind, str, int, str], str] = {}
        self.next_transaction, self.next_bet, self.next_entry = start.transaction, start.bet, start.entry
        self.filled = Filled(accounts=shape.players)
        self.replay_every = max(1, self.bets // REPLAY_SAMPLES)

    def _fingerprint(self, kind: Kind, player: str, minor: int, reference: str) -> str:
        key = (kind, player, minor, reference)
        found = self.fingerprints.get(key)
        if found is None:
            found = fingerprint(kind, player, CURRENCY, canonical(Decimal(minor).scaleb(-2)), reference, False)
            if len(self.fingerprints) < 1_000_000:  # debits repeat (player, stake); credits rarely
                self.fingerprints[key] = found
        return found

    def _entry(self, chunk: Chunk, account: int, transaction: int | None, amount: int, at: datetime) -> None:
        index = account - self.start.account - 1
        balance = self.balances[index] + amount
        head = chain.entry_hash(self.heads[index], account, transaction, amount, balance, at)
        self.balances[index], self.heads[index] = balance, head
        self.next_entry += 1
        chunk.entries.append((self.next_entry, account, transaction, amount, balance, at, head))
        self.filled.entries += 1

    def _raw(self, provider: str, raw: str) -> bytes:
        sample_id, sample = self.start.samples[provider]
        return raw_requests.pack(raw, sample_id, sample)

    def openings(self) -> Chunk:
        """Every account's opening balance: an entry without a transaction, before the history."""
        chunk, at = Chunk(), self.begin - timedelta(seconds=1)
        for i in range(self.shape.players):
            self.balances[i] = 0
            self._entry(chunk, self.start.account + 1 + i, None, OPENING_BALANCE_MINOR, at)
        return chunk

    def chunks(self) -> Iterator[Chunk]:
        yield self.openings()
        providers, weights = list(PROVIDERS), list(PROVIDERS.values())
        for first in range(0, self.bets, CHUNK_BETS):
            chunk = Chunk()
            picks = self.rng.choices(providers, weights, k=min(CHUNK_BETS, self.bets - first))
            for offset, provider in enumerate(picks):
                self._bet(chunk, first + offset, provider)
            yield chunk

    def _bet(self, chunk: Chunk, n: int, provider: str) -> None:
        rng, filled = self.rng, self.filled
        at = self.begin + timedelta(microseconds=n * self.step_us)
        later = at + timedelta(microseconds=self.step_us // 2)  # its payout, before the next bet
        player_index = rng.randrange(self.shape.players)
        player, account = history_player(player_index), self.start.account + 1 + player_index
        stake = rng.choice(STAKES_MINOR)
        counter = self.counters[provider] = (self.counters[provider] + 1) % (1 << 24)
        bet_id = f"{int(at.timestamp()):08x}{self.marks[provider]}{counter:06x}"
        at_ms = int(at.timestamp() * 1000)
        round_id, game_id, table_id = str(900_000_000 + n), str(100 + n % 7), f"{n % 40:06d}"
        client = f"{provider}-gateway"
        details = _DETAILS
        self.next_bet += 1
        bet_row = self.next_bet
        # The debit: the stake taken, the bet placed, its entry.
        self.next_transaction += 1
        debit = self.next_transaction
        self._entry(chunk, account, debit, -stake, at)
        balance = self.balances[player_index]
        chunk.transactions.append(
            (
                debit,
                provider,
                "debit",
                bet_id,
                self._fingerprint(Kind.DEBIT, player, stake, ""),
                "completed",
                account,
                bet_row,
                player,
                CURRENCY,
                stake,
                -stake,
                balance,
                round_id,
                game_id,
                table_id,
                "",
                details,
                "",
                self._raw(provider, bet_raw(player, bet_id, amount_text(stake), at_ms, round_id, game_id, table_id)),
                client,
                at,
                at,
            )
        )
        if n % self.replay_every == 0 and len(filled.old_debits) < REPLAY_SAMPLES:
            filled.old_debits.append(OldDebit(provider, bet_id, player, amount_text(stake), at))
        # Then its end: cancelled (the stake back), or settled with a payout, often of nothing.
        cancelled = rng.random() < CANCELLED_SHARE
        if cancelled:
            kind, amount, state, payout = Kind.ROLLBACK, stake, "cancelled", 0
        else:
            roll = rng.random()
            win = 0 if roll < 0.55 else stake * 2 if roll < 0.9 else stake * rng.randrange(3, 11)
            kind, amount, state, payout = Kind.CREDIT, win, "settled", win
        self.next_transaction += 1
        end = self.next_transaction
        if amount:  # a payout of nothing moves no money and writes no entry, as the core does
            self._entry(chunk, account, end, amount, later)
        later_raw = payout_raw(
            player, bet_id, amount_text(amount), int(later.timestamp() * 1000), round_id, game_id, table_id
        )
        chunk.transactions.append(
            (
                end,
                provider,
                kind.value,
                bet_id,
                self._fingerprint(kind, player, amount if kind is Kind.CREDIT else stake, bet_id),
                "completed",
                account,
                bet_row,
                player,
                CURRENCY,
                amount,
                amount,
                self.balances[player_index],
                round_id,
                game_id,
                table_id,
                bet_id,
                "{}",
                "",
                self._raw(provider, later_raw),
                client,
                later,
                later,
            )
        )
        chunk.bets.append(
            (
                bet_row,
                provider,
                bet_id,
                player,
                CURRENCY,
                state,
                stake,
                payout,
                at,
                None if cancelled else later,
                later if cancelled else None,
            )
        )
        filled.bets += 1
        filled.transactions += 2
        filled.first_at = filled.first_at or at
        filled.last_at = later

    def accounts(self) -> list[tuple[Any, ...]]:
        at = self.begin - timedelta(seconds=2)
        return [
            (self.start.account + 1 + i, history_player(i), CURRENCY, self.balances[i], at, self.heads[i])
            for i in range(self.shape.players)
        ]


async def _start(connection: asyncpg.Connection, at: datetime) -> Start:
    async def last(table: str) -> int:
        return int(await connection.fetchval(f"SELECT coalesce(max(id), 0) FROM {table}"))  # fixed names

    samples = {}
    for provider in PROVIDERS:
        sample = sample_request(provider).encode()[: raw_requests.MAX_SAMPLE_BYTES]
        sample_id = await connection.fetchval(
            "INSERT INTO raw_request_samples (provider, sample, created_at) VALUES ($1, $2, $3) RETURNING id",
            provider,
            sample,
            at,
        )
        samples[provider] = (int(sample_id), sample)
    return Start(await last("accounts"), await last("bets"), await last("transactions"), await last("entries"), samples)


async def fill(dsn: str, shape: Shape, say: Any = None) -> Filled:
    """Fill the ledger at `dsn` (migrated, its currencies written) with the history of `shape`."""
    started = time.monotonic()
    connection = await asyncpg.connect(dsn, timeout=10)
    try:
        await connection.execute(
            "INSERT INTO currencies (code, scale) VALUES ($1, 2) ON CONFLICT (code) DO NOTHING", CURRENCY
        )
        generator = Generator(shape, await _start(connection, shape.end - timedelta(days=shape.days + 1)))
        await connection.execute("SET session_replication_role = replica")  # see the module's doc
        for number, chunk in enumerate(generator.chunks()):
            async with connection.transaction():
                await connection.copy_records_to_table("bets", records=chunk.bets, columns=BET_COLUMNS)
                await connection.copy_records_to_table(
                    "transactions", records=chunk.transactions, columns=TRANSACTION_COLUMNS
                )
                await connection.copy_records_to_table("entries", records=chunk.entries, columns=ENTRY_COLUMNS)
            if say is not None and number % 50 == 0:
                say(f"history: {generator.filled.transactions:,} transactions in {time.monotonic() - started:.0f} s")
        await connection.copy_records_to_table("accounts", records=generator.accounts(), columns=ACCOUNT_COLUMNS)
        await connection.execute("SET session_replication_role = DEFAULT")
        for table, column in (("accounts", "id"), ("bets", "id"), ("transactions", "id"), ("entries", "id")):
            await connection.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                f"(SELECT max({column}) FROM {table}))"  # fixed names
            )
        # A ledger months old has been vacuumed and analysed: its pages' hints set, its statistics known.
        for table in FILLED_TABLES:
            await connection.execute(f"VACUUM (ANALYZE) {table}")
    finally:
        await connection.close()
    filled = generator.filled
    filled.seconds = time.monotonic() - started
    return filled
