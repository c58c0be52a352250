"""Plain records of the ledger, free of any ORM: what a request asks and what was stored."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    DEBIT = "debit"
    CREDIT = "credit"
    ROLLBACK = "rollback"


class Status(StrEnum):
    COMPLETED = "completed"
    FAILED = "failed"
    TOMBSTONE = "tombstone"


class BetState(StrEnum):
    PLACED = "placed"
    SETTLED = "settled"
    CANCELLED = "cancelled"
    TOMBSTONE = "tombstone"


@dataclass(frozen=True)
class MoneyRequest:
    """One Debit, Credit or Rollback as the caller sent it (amount still a string)."""

    kind: Kind
    provider: str
    transaction_id: str
    player_id: str
    currency: str
    amount: str
    round_id: str = ""
    game_id: str = ""
    table_id: str = ""
    reference_id: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    event_time: datetime | None = None
    raw_request: str = ""
    reverse_payouts: bool = False
    client: str = ""  # the authenticated identity that asked (which gateway or service)

    def fingerprint(self, amount: str) -> str:
        """Hash of what must be the same for a repeat to be a replay (rule 2).

        Ids and times of the round, details and the raw request may differ between a
        provider's retries (new timestamp, new signature) and are not part of it.
        """
        canonical = {
            "kind": self.kind.value,
            "player_id": self.player_id,
            "currency": self.currency,
            "amount": amount,
            "reference_id": self.reference_id,
            "reverse_payouts": self.reverse_payouts,
        }
        return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class Bet:
    id: int
    provider: str
    transaction_id: str
    player_id: str
    currency: str
    state: BetState
    stake: int
    payout: int
    placed_at: datetime | None
    settled_at: datetime | None
    cancelled_at: datetime | None


@dataclass(frozen=True)
class Transaction:
    """A stored request and its outcome; amounts in minor units of ``currency``."""

    id: int
    provider: str
    transaction_id: str
    kind: Kind
    status: Status
    player_id: str
    currency: str
    amount: int
    balance_change: int
    balance_after: int | None
    round_id: str
    game_id: str
    table_id: str
    reference_id: str
    details: dict[str, Any]
    event_time: datetime | None
    created_at: datetime
    request_hash: str
    error_reason: str | None
    error_metadata: dict[str, str] | None
    account_id: int | None
    bet_id: int | None
    bet: Bet | None = None


@dataclass(frozen=True)
class Outcome:
    """What a money request answers: the stored transaction, and whether it is a replay."""

    transaction: Transaction
    replay: bool


@dataclass(frozen=True)
class Account:
    id: int
    player_id: str
    currency: str
    balance: int
    created_at: datetime
