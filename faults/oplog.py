"""The simulator's own record: every money operation it asked for, what it saw answered, and from that
alone the balance it expects each player to have.

An operation is one money request under one idempotency key, however often it is sent. Its outcome
is what the vendor *saw*: acknowledged, refused for good, or unknown (never answered, and given up
on: the vendor cancels the bet instead). A round is a bet and what follows it (a payout, a cancel),
or one of SUD's score changes or table settlements.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from wallet_core.domain import Kind  # with the provider and the provider's id, the idempotency key

ZERO = Decimal("0.00")


class Outcome(StrEnum):
    PENDING = "pending"
    """Not acknowledged yet: a retry is coming (or the run gave up on it: an unresolved round)."""
    ACKED = "acknowledged"
    REFUSED = "refused"
    """A decided refusal (e.g. HRG 8001): nothing may have moved."""
    UNKNOWN = "unknown"
    """Never answered; the vendor gave up on it and cancelled the bet instead."""


Key = tuple[str, str, str]
"""(provider, kind, transaction_id): the wallet's idempotency key."""


@dataclass
class Operation:
    provider: str
    kind: Kind
    transaction_id: str
    player: str
    amount: Decimal
    """What it asks to move, never negative: the stake, the win, the points' worth."""
    reverses: bool = False
    """A cancel that also takes back what was paid (AIGame refund status 1)."""
    outcome: Outcome = Outcome.PENDING
    attempts: int = 0
    acked_on_attempt: int = 0
    """Which attempt was first acknowledged (0: none)."""
    repeats: int = 0
    """Sent again after it was acknowledged (the vendor repeating itself)."""

    @property
    def key(self) -> Key:
        return (self.provider, self.kind.value, self.transaction_id)

    def __str__(self) -> str:
        return f"{self.provider} {self.kind.value} {self.transaction_id} ({self.player}, {self.amount}, {self.outcome})"


@dataclass
class Round:
    provider: str
    player: str
    phase: str
    ops: list[Operation] = field(default_factory=list)
    done: bool = False

    def add(self, kind: Kind, transaction_id: str, amount: Decimal, *, reverses: bool = False) -> Operation:
        op = Operation(self.provider, kind, transaction_id, self.player, amount, reverses)
        self.ops.append(op)
        return op

    @property
    def bet(self) -> Operation | None:
        """The round's debit when it has one (a bet, a buy-in, a score consumed)."""
        return next((op for op in self.ops if op.kind is Kind.DEBIT), None)

    def net(self) -> Decimal:
        """What the round did to the balance, from the acknowledgements alone. A cancel of a bet whose
        answer was never seen nets to zero with it: the stake came back if and only if it was taken."""
        bet = self.bet
        bet_acked = bet is not None and bet.outcome is Outcome.ACKED
        paid = sum((op.amount for op in self.ops if op.kind is Kind.CREDIT and op.outcome is Outcome.ACKED), ZERO)
        total = ZERO
        for op in self.ops:
            if op.outcome is not Outcome.ACKED:
                continue
            if op.kind is Kind.DEBIT:
                total -= op.amount
            elif op.kind is Kind.CREDIT:
                total += op.amount
            elif bet_acked and bet is not None:
                total += bet.amount - (paid if op.reverses else ZERO)
        return total


@dataclass
class OperationLog:
    opening: dict[str, Decimal] = field(default_factory=dict)
    """Each player's opening balance."""
    rounds: list[Round] = field(default_factory=list)
    _next_id: int = 0

    def new_id(self, prefix: str) -> str:
        """A provider id unique in the run (HRG's txId must stay within 20 characters)."""
        self._next_id += 1
        return f"{prefix}{self._next_id}"

    def new_round(self, provider: str, player: str, phase: str) -> Round:
        started = Round(provider, player, phase)
        self.rounds.append(started)
        return started

    def expected_balances(self) -> dict[str, Decimal]:
        """Opening balance plus every finished round's net: what the simulator believes each player has."""
        balances = dict(self.opening)
        for r in self.rounds:
            if r.done:
                balances[r.player] += r.net()
        return balances

    def operations(self, phase: str | None = None) -> list[Operation]:
        return [op for r in self.rounds if phase is None or r.phase == phase for op in r.ops]
