"""One proposed action for one bet left placed: the reconciler's answer, shown to a person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

PAY: Final = "pay"
CANCEL: Final = "cancel"
REVIEW: Final = "review"
LEAVE: Final = "leave"
MANUAL: Final = "manual"
ACTIONS: Final = (PAY, CANCEL, REVIEW, LEAVE, MANUAL)
MOVES_MONEY: Final = frozenset({PAY, CANCEL})


@dataclass(frozen=True)
class Proposal:
    key: str
    """Stable id of the proposal: f"{provider}:{bet_transaction_id}"."""
    provider: str
    player_id: str
    bet_transaction_id: str
    currency: str
    stake: str
    """Decimal string, as the core shows amounts."""
    placed_at: datetime
    action: str
    """"pay" | "cancel" | "review" | "leave" | "manual"."""
    amount: str
    """For "pay": the payout amount (decimal string); otherwise ""."""
    explanation: str
    """One line for a person: what the provider answered and why this action."""


def proposal_key(provider: str, bet_transaction_id: str) -> str:
    return f"{provider}:{bet_transaction_id}"


def split_key(key: str) -> tuple[str, str]:
    """(provider, bet transaction id) of a key; ValueError when it is not one."""
    provider, sep, transaction_id = key.partition(":")
    if not sep or not provider or not transaction_id:
        raise ValueError(f"{key!r} is not a proposal key (provider:bet_transaction_id)")
    return provider, transaction_id
