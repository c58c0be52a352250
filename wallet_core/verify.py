"""``wallet verify``: every account's balance equals the sum of its entries (rule 9)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from wallet_core.store import queries as q


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
