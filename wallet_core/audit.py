"""The admin audit: every admin action (an account opened, and what later sessions add: a player
blocked, a limit changed, a held payout decided) with who did it, when, and what.

An action plugs in with one call, ``await audit.record(actor, action, subject, **details)``, after it
is done. The ledger's own write is not in the audit's transaction: should the audit row fail to be
written, the action stands and the entry is logged at ERROR in full, so that it is never lost unseen.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import JSON, Column, DateTime, Index, RowMapping, String, Table, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from wallet_core.domain import Account
from wallet_core.store.database import in_transaction
from wallet_core.store.schema import Base, Id

log = logging.getLogger("wallet_core.audit")

ACCOUNT_OPENED = "account.opened"
"""The actions recorded so far; each new admin action names its own ("player.blocked", ...)."""

admin_audit = Table(
    "admin_audit",
    Base.metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(128), nullable=False),
    Column("action", String(64), nullable=False),
    Column("subject", String(256), nullable=False),
    Column("details", JSON, nullable=False),
    Index("ix_admin_audit_at", "at"),
)


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    """Who: a core client's name (a gRPC call), ``cli:<user>`` (a ``wallet`` command), ``demo``."""
    action: str
    subject: str
    """What it was done to, e.g. ``p1 USD``."""
    details: Mapping[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "action": self.action,
            "subject": self.subject,
            "details": dict(self.details),
        }


class AdminAudit:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def record(self, actor: str, action: str, subject: str, **details: Any) -> None:
        """Write one entry (``details`` JSON-able); a failure is logged with the entry, never raised."""
        row = {"at": datetime.now(UTC), "actor": actor, "action": action, "subject": subject, "details": details}
        try:
            await in_transaction(self.engine, lambda conn: conn.execute(insert(admin_audit).values(row)))
        except Exception:
            log.exception("admin audit entry not written", extra={"audit_entry": json.dumps(row, default=str)})

    async def entries(
        self, *, since: datetime | None = None, until: datetime | None = None, limit: int = 100
    ) -> list[AuditEntry]:
        """The newest ``limit`` entries in [since, until), oldest first."""
        query = select(admin_audit).order_by(admin_audit.c.id.desc()).limit(limit)
        if since is not None:
            query = query.where(admin_audit.c.at >= since)
        if until is not None:
            query = query.where(admin_audit.c.at < until)

        async def read(conn: AsyncConnection) -> Sequence[RowMapping]:
            return (await conn.execute(query)).mappings().all()

        rows = await in_transaction(self.engine, read)
        return [_entry(row) for row in reversed(rows)]


async def record_account_opened(audit: AdminAudit, actor: str, account: Account, opening_balance: str) -> None:
    await audit.record(
        actor,
        ACCOUNT_OPENED,
        f"{account.player_id} {account.currency}",
        wallet_id=account.id,
        opening_balance=opening_balance,
    )


def _entry(row: RowMapping) -> AuditEntry:
    at = cast(datetime, row["at"])
    return AuditEntry(
        id=int(row["id"]),
        at=at if at.tzinfo else at.replace(tzinfo=UTC),  # SQLite gives it back naive: it is UTC
        actor=str(row["actor"]),
        action=str(row["action"]),
        subject=str(row["subject"]),
        details=dict(row["details"] or {}),
    )
