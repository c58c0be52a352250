"""``wallet verify``: every account's balance equals the sum of its entries (rule 9), and every
account's entries form an unbroken hash chain (``chain``) ending at the head on its row."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from wallet_core import chain
from wallet_core.store import queries as q
from wallet_core.store.schema import accounts, entries

STREAMED_ROWS = 5000
"""Entries read a round trip while the chains are walked."""


@dataclass(frozen=True)
class Mismatch:
    account_id: int
    player_id: str
    currency: str
    balance: int
    entries_sum: int
    last_balance_after: int | None


async def find_mismatches(engine: AsyncEngine) -> tuple[int, list[Mismatch]]:
    """How many accounts were checked, and those whose balance disagrees with their entries."""
    async with engine.connect() as conn:
        rows = await q.all_accounts_with_entry_sums(conn)
    mismatches = [
        Mismatch(account.id, account.player_id, account.currency, account.balance, total, last_after)
        for account, total, last_after in rows
        if account.balance != total or (last_after is not None and last_after != account.balance)
    ]
    return len(rows), mismatches


@dataclass(frozen=True)
class AccountRef:
    id: int
    player_id: str
    currency: str

    def __str__(self) -> str:
        return f"account {self.id} ({self.player_id} {self.currency})"


@dataclass(frozen=True)
class BrokenLink:
    """The first place an account's chain breaks: an entry (``entry_id``), or its head."""

    account: AccountRef
    entry_id: int | None
    problem: str

    def __str__(self) -> str:
        entry = "" if self.entry_id is None else f"entry {self.entry_id} "
        return f"{self.account}: {entry}{self.problem}"


@dataclass
class ChainWalk:
    """One account's chain as its rows make it: how many entries, the last one's id, the hash its
    fields chain to (whatever the rows claim), and at the position asked for, that entry and hash."""

    account: AccountRef
    stored_head: bytes
    entries: int = 0
    last_entry_id: int | None = None
    head: bytes = chain.GENESIS
    broken: BrokenLink | None = None
    at_position: tuple[int, bytes] | None = field(default=None, repr=False)


async def walk_chains(engine: AsyncEngine, positions: Mapping[int, int] | None = None) -> list[ChainWalk]:
    """Every account's chain, walked from its first entry, in account order; for an account
    ``positions`` names (account id -> n), its n-th entry's id and hash are kept (``at_position``).
    One statement, so that a running wallet's later writes cannot make a head look wrong."""
    wanted = positions or {}
    query = (
        select(
            accounts.c.id,
            accounts.c.player_id,
            accounts.c.currency,
            accounts.c.chain_head,
            entries.c.id.label("entry_id"),
            entries.c.transaction_id,
            entries.c.amount,
            entries.c.balance_after,
            entries.c.created_at,
            entries.c.chain_hash,
        )
        .outerjoin(entries, entries.c.account_id == accounts.c.id)
        .order_by(accounts.c.id, entries.c.id)
        .execution_options(yield_per=STREAMED_ROWS)
    )
    walks: list[ChainWalk] = []
    async with engine.connect() as conn:
        result = await conn.stream(query)
        async for rows in result.partitions():  # a row at a time would switch greenlets for each
            for account_id, player_id, currency, row_head, entry_id, tx_id, amount, after, at, row_hash in rows:
                if not walks or walks[-1].account.id != account_id:
                    walks.append(ChainWalk(AccountRef(account_id, player_id, currency), bytes(row_head)))
                walk = walks[-1]
                if entry_id is None:
                    continue
                created = q.utc(at)
                assert created is not None
                walk.entries += 1
                walk.last_entry_id = entry_id
                walk.head = chain.entry_hash(walk.head, account_id, tx_id, amount, after, created)
                if walk.broken is None and (row_hash is None or bytes(row_hash) != walk.head):
                    problem = "has no chain hash" if row_hash is None else "does not hash to its chain hash"
                    walk.broken = BrokenLink(walk.account, entry_id, problem)
                if wanted.get(account_id) == walk.entries:
                    walk.at_position = (entry_id, walk.head)
    for walk in walks:
        if walk.broken is None and walk.stored_head != walk.head:
            walk.broken = BrokenLink(walk.account, None, "its chain head is not its last entry's hash")
    return walks
