"""The statements of blocked players: the ``player_blocks`` row and the ``accounts.controlled``
flag kept with it, in the caller's transaction.

A block and a player's new account are serialized per player (``serialize_player``), so that an
account opened while its player is being blocked is flagged too: the fast paths see only the flag.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from wallet_core.store.player_limits import without_limits
from wallet_core.store.queries import now, utc
from wallet_core.store.schema import accounts, player_blocks


@dataclass(frozen=True)
class Block:
    player_id: str
    reason: str
    actor: str
    blocked_at: datetime


async def serialize_player(conn: AsyncConnection, player_id: str) -> None:
    """Hold the player's lock to the end of the transaction (PostgreSQL; SQLite's writes are serial
    already: BEGIN IMMEDIATE)."""
    if conn.dialect.name == "postgresql":
        await conn.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:player_id, 0))"), {"player_id": player_id}
        )


async def find_block(conn: AsyncConnection, player_id: str) -> Block | None:
    row = (await conn.execute(select(player_blocks).where(player_blocks.c.player_id == player_id))).mappings().first()
    if row is None:
        return None
    blocked_at = utc(row["blocked_at"])
    assert blocked_at is not None
    return Block(row["player_id"], row["reason"], row["actor"], blocked_at)


async def block(conn: AsyncConnection, player_id: str, reason: str, actor: str) -> Block:
    """Block the player (again: the newer reason and actor replace the older) and flag every account."""
    await serialize_player(conn, player_id)
    await conn.execute(delete(player_blocks).where(player_blocks.c.player_id == player_id))
    blocked = Block(player_id, reason, actor, now())
    await conn.execute(
        insert(player_blocks).values(player_id=player_id, reason=reason, actor=actor, blocked_at=blocked.blocked_at)
    )
    await conn.execute(update(accounts).where(accounts.c.player_id == player_id).values(controlled=True))
    return blocked


async def unblock(conn: AsyncConnection, player_id: str) -> Block | None:
    """Lift the player's block, and the flag of its accounts without limits; the block lifted, or
    None: not blocked."""
    await serialize_player(conn, player_id)
    lifted = await find_block(conn, player_id)
    await conn.execute(delete(player_blocks).where(player_blocks.c.player_id == player_id))
    await conn.execute(
        update(accounts).where(accounts.c.player_id == player_id, without_limits()).values(controlled=False)
    )
    return lifted


async def locked_controlled(conn: AsyncConnection, player_id: str, currency: str) -> bool | None:
    """Whether the account is controlled, read under its row lock, held to the end of the
    transaction (so that a block waits for the bet, or the bet for the block); None: no account."""
    row = (
        await conn.execute(
            select(accounts.c.controlled)
            .where(accounts.c.player_id == player_id, accounts.c.currency == currency)
            .with_for_update()
        )
    ).first()
    return None if row is None else bool(row[0])
