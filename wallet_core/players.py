"""Blocked players: an admin's stop on a player's bets (responsible gaming, self-exclusion, fraud).

A blocked player's bets are refused PLAYER_BLOCKED by the ledger (``Ledger._debit``, under the
account's row lock) and the refusal is stored: a retry of that bet gets it again, even after the
unblock (decided failures stay decided, as INSUFFICIENT_FUNDS). Payouts, refunds, cancels and
settlements of bets already placed are always applied (rule 5; a win already earned is paid).
Every block and unblock is recorded in the admin audit.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from wallet_core.audit import AdminAudit
from wallet_core.domain import MAX_ID_LENGTH, require
from wallet_core.store import player_blocks
from wallet_core.store.database import in_transaction
from wallet_core.store.player_blocks import Block

PLAYER_BLOCKED = "player.blocked"
PLAYER_UNBLOCKED = "player.unblocked"
MAX_REASON_LENGTH = 1000


@dataclass(frozen=True)
class PlayerStatus:
    player_id: str
    block: Block | None  # None: not blocked


class Players:
    def __init__(self, engine: AsyncEngine, audit: AdminAudit) -> None:
        self.engine = engine
        self.audit = audit

    async def set_blocked(self, player_id: str, blocked: bool, reason: str, actor: str) -> PlayerStatus:
        """Block or unblock ``player_id`` (whether or not it has accounts yet), recorded with ``reason``."""
        require("player_id", player_id, MAX_ID_LENGTH)
        require("reason", reason, MAX_REASON_LENGTH)
        if blocked:
            block = await in_transaction(self.engine, lambda conn: player_blocks.block(conn, player_id, reason, actor))
            await self.audit.record(actor, PLAYER_BLOCKED, player_id, reason=reason)
            return PlayerStatus(player_id, block)
        lifted = await in_transaction(self.engine, lambda conn: player_blocks.unblock(conn, player_id))
        await self.audit.record(actor, PLAYER_UNBLOCKED, player_id, reason=reason, was_blocked=lifted is not None)
        return PlayerStatus(player_id, None)

    async def status(self, player_id: str) -> PlayerStatus:
        require("player_id", player_id, MAX_ID_LENGTH)
        block = await in_transaction(self.engine, lambda conn: player_blocks.find_block(conn, player_id))
        return PlayerStatus(player_id, block)
