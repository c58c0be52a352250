"""A proposed resolution of a stale bet (placeholder: the interface only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Proposal:
    key: str  # stable id of the proposal: f"{provider}:{bet_transaction_id}"
    provider: str
    player_id: str
    bet_transaction_id: str
    currency: str
    stake: str  # decimal string, as the core shows amounts
    placed_at: datetime
    action: str  # "pay" | "cancel" | "review" | "leave" | "manual"
    amount: str  # for "pay": the payout amount (decimal string); otherwise ""
    explanation: str  # one line for a person: what the provider answered and why this action
