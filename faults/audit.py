"""The comparison after each fault: the simulator's log against what the wallet stored.

For every operation, what it should have done to the balance follows from what the vendor saw:
- acknowledged: applied exactly once, and by its own amount; a cancel gives back the stake if the
  bet was taken (and takes back the payouts when it reverses them), and moves nothing otherwise;
- refused: nothing moved;
- unknown (a bet never answered, then cancelled): taken or not, both are right, but its cancel must
  agree with the ledger's choice.
Where the ledger did less than asked (a change smaller than it should be, or of the other sign), the
difference is money **lost**; where it did more (a change larger than asked, or any change where none
was due), it is money **duplicated**. A transaction stored for a player that no operation asked for
is duplicated money too. Each player's balance must equal the simulator's expectation, computed from
its acknowledgements alone (`OperationLog.expected_balances`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from faults.oplog import ZERO, Key, Operation, Outcome, Round
from faults.truth import LedgerView, Stored
from wallet_core.domain import Kind

MISSING = Stored("missing", ZERO)


@dataclass
class Audit:
    operations: int = 0
    acknowledged: int = 0
    applied_exactly_once: int = 0
    """Acknowledged operations stored once, completed (or a cancel's tombstone), with the right change."""
    retried_to_success: int = 0
    """Acknowledged only after an attempt that got no acknowledgement."""
    unknown: int = 0
    unknown_taken: int = 0
    """Unknown bets the ledger did take (and their cancels gave back)."""
    refused: int = 0
    unresolved: int = 0
    """Still waiting for an acknowledgement when the run stopped waiting."""
    lost: Decimal = ZERO
    duplicated: Decimal = ZERO
    balances_checked: int = 0
    balance_mismatches: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def all_problems(self) -> list[str]:
        """Every problem found, the balances that differ included."""
        return [*self.problems, *self.balance_mismatches]

    @property
    def clean(self) -> bool:
        return not self.all_problems and self.lost == 0 and self.duplicated == 0

    def note_difference(self, op: Operation, expected: Decimal, stored: Stored) -> None:
        """Count what `op` changed beyond or short of `expected` as duplicated or lost money."""
        actual = stored.change
        if actual == expected:
            return
        if abs(actual) < abs(expected) or (actual != 0 and expected != 0 and (actual > 0) != (expected > 0)):
            self.lost += abs(expected - actual)
            what = "lost"
        else:
            self.duplicated += abs(actual - expected)
            what = "duplicated"
        self.problems.append(
            f"{what}: {op} should have changed the balance by {expected}, stored {stored.status} {actual}"
        )


def _stored(ledger: LedgerView, key: Key, claimed: set[Key]) -> Stored:
    claimed.add(key)
    return ledger.rows.get(key, MISSING)


def _check_round(r: Round, ledger: LedgerView, audit: Audit, claimed: set[Key]) -> None:
    taken = False  # whether the round's debit should be (or, when unknown, was) applied
    paid = ZERO
    for op in r.ops:
        stored = _stored(ledger, op.key, claimed)
        audit.operations += 1
        acked = op.outcome is Outcome.ACKED
        if op.outcome is Outcome.PENDING:
            audit.unresolved += 1
            audit.problems.append(f"unresolved: {op} after {op.attempts} attempts")
        elif op.outcome is Outcome.REFUSED:
            audit.refused += 1
        elif op.outcome is Outcome.UNKNOWN:
            audit.unknown += 1
        if op.kind is Kind.DEBIT:
            if op.outcome is Outcome.UNKNOWN or op.outcome is Outcome.PENDING:
                taken = stored.status == "completed"  # either is right; the cancel must agree
                audit.unknown_taken += taken and op.outcome is Outcome.UNKNOWN
            else:
                taken = acked
            expected = -op.amount if taken else ZERO
        elif op.kind is Kind.CREDIT:
            expected = op.amount if acked else stored.change  # an unresolved credit is reported above
            paid += expected
        else:
            expected = (
                ((r.bet.amount if taken and r.bet else ZERO) - (paid if op.reverses else ZERO))
                if acked
                else stored.change
            )
        if acked:
            audit.acknowledged += 1
            audit.retried_to_success += op.acked_on_attempt > 1
            fine_status = (
                stored.status in ("completed", "tombstone")
                if op.kind is Kind.ROLLBACK
                else stored.status == "completed"
            )
            if not fine_status:
                audit.problems.append(f"acknowledged but stored {stored.status}: {op}")
            elif stored.change == expected:
                audit.applied_exactly_once += 1
        audit.note_difference(op, expected, stored)


def audit(
    rounds: Iterable[Round],
    ledger: LedgerView,
    expected_balances: Mapping[str, Decimal],
    *,
    all_rounds: Iterable[Round] | None = None,
) -> Audit:
    """Check `rounds` against `ledger`. Transactions no operation of `all_rounds` (default: `rounds`)
    asked for, repeated keys and every player's balance are checked too."""
    result = Audit()
    claimed: set[Key] = set()
    for r in rounds:
        _check_round(r, ledger, result, claimed)
    claimed |= {op.key for r in (all_rounds or ()) for op in r.ops}
    for key, stored in ledger.rows.items():
        if key not in claimed:
            result.duplicated += abs(stored.change)
            result.problems.append(f"stored but never asked for: {' '.join(key)} ({stored.status} {stored.change})")
    for key in ledger.repeated_keys:
        result.problems.append(f"stored more than once: {' '.join(key)}")
    for player, expected in sorted(expected_balances.items()):
        result.balances_checked += 1
        actual = ledger.balances.get(player)
        if actual != expected:
            result.balance_mismatches.append(f"{player}: the simulator expects {expected}, the wallet has {actual}")
    return result
