"""The audit finds money lost and money moved twice: each case below is a ledger that disagrees with
what the vendor saw, and the audit must say so, with the amount."""

from __future__ import annotations

from decimal import Decimal

from faults.audit import audit
from faults.oplog import OperationLog, Outcome, Round
from faults.truth import LedgerView, Stored
from wallet_core.domain import Kind

OPENING = Decimal("100.00")
PLAYER = "p1"


def log_with(*rounds: Round) -> OperationLog:
    log = OperationLog(opening={PLAYER: OPENING})
    for r in rounds:
        r.done = True
        log.rounds.append(r)
    return log


def paid_bet(bet_id: str = "a1", stake: str = "10.00", win: str = "19.50") -> Round:
    r = Round("aigame", PLAYER, "phase")
    r.add(Kind.DEBIT, bet_id, Decimal(stake)).outcome = Outcome.ACKED
    r.add(Kind.CREDIT, bet_id, Decimal(win)).outcome = Outcome.ACKED
    return r


def unknown_bet_cancelled(bet_id: str = "a2", stake: str = "5.00") -> Round:
    r = Round("aigame", PLAYER, "phase")
    r.add(Kind.DEBIT, bet_id, Decimal(stake)).outcome = Outcome.UNKNOWN
    r.add(Kind.ROLLBACK, bet_id, Decimal(stake)).outcome = Outcome.ACKED
    return r


def ledger(balance: str, **rows: tuple[str, str]) -> LedgerView:
    """rows: "kind__id" -> (status, change)."""
    view = LedgerView(balances={PLAYER: Decimal(balance)})
    for name, (status, change) in rows.items():
        kind, transaction_id = name.split("__")
        view.rows[("aigame", kind, transaction_id)] = Stored(status, Decimal(change))
    return view


def test_a_clean_ledger_passes() -> None:
    log = log_with(paid_bet(), unknown_bet_cancelled())
    view = ledger(
        "109.50", debit__a1=("completed", "-10.00"), credit__a1=("completed", "19.50"), rollback__a2=("tombstone", "0")
    )
    result = audit(log.rounds, view, log.expected_balances())
    assert result.clean, result.problems
    assert (result.operations, result.acknowledged, result.applied_exactly_once, result.unknown) == (4, 3, 3, 1)
    assert log.expected_balances() == {PLAYER: Decimal("109.50")}


def test_an_unknown_bet_taken_and_given_back_is_clean_too() -> None:
    log = log_with(unknown_bet_cancelled())
    view = ledger("100.00", debit__a2=("completed", "-5.00"), rollback__a2=("completed", "5.00"))
    result = audit(log.rounds, view, log.expected_balances())
    assert result.clean, result.problems
    assert result.unknown_taken == 1


def test_an_acknowledged_payout_missing_is_money_lost() -> None:
    log = log_with(paid_bet())
    view = ledger("90.00", debit__a1=("completed", "-10.00"))
    result = audit(log.rounds, view, log.expected_balances())
    assert result.lost == Decimal("19.50")
    assert result.duplicated == 0
    assert any("acknowledged but stored missing" in p for p in result.problems)
    assert result.balance_mismatches == [f"{PLAYER}: the simulator expects 109.50, the wallet has 90.00"]


def test_a_stake_taken_but_its_cancel_a_tombstone_is_money_lost() -> None:
    """The race a cancel must survive: the late bet was taken after its cancel found nothing."""
    log = log_with(unknown_bet_cancelled())
    view = ledger("95.00", debit__a2=("completed", "-5.00"), rollback__a2=("tombstone", "0"))
    result = audit(log.rounds, view, log.expected_balances())
    assert result.lost == Decimal("5.00")
    assert not result.clean


def test_a_cancel_that_gave_back_a_stake_never_taken_is_money_duplicated() -> None:
    log = log_with(unknown_bet_cancelled())
    view = ledger("105.00", rollback__a2=("completed", "5.00"))
    result = audit(log.rounds, view, log.expected_balances())
    assert result.duplicated == Decimal("5.00")
    assert result.lost == 0


def test_a_payout_applied_twice_is_money_duplicated() -> None:
    log = log_with(paid_bet())
    view = ledger("129.00", debit__a1=("completed", "-10.00"), credit__a1=("completed", "39.00"))
    result = audit(log.rounds, view, log.expected_balances())
    assert result.duplicated == Decimal("19.50")


def test_a_refused_bet_that_moved_money_is_caught() -> None:
    r = Round("hrg", PLAYER, "phase")
    r.add(Kind.DEBIT, "h1", Decimal("7.00")).outcome = Outcome.REFUSED
    log = log_with(r)
    view = LedgerView(
        balances={PLAYER: Decimal("93.00")}, rows={("hrg", "debit", "h1"): Stored("completed", Decimal("-7.00"))}
    )
    result = audit(log.rounds, view, log.expected_balances())
    assert result.duplicated == Decimal("7.00")
    assert not result.clean


def test_a_transaction_nobody_asked_for_is_caught() -> None:
    log = log_with(paid_bet())
    view = ledger(
        "119.50",
        debit__a1=("completed", "-10.00"),
        credit__a1=("completed", "19.50"),
        credit__ghost=("completed", "10.00"),
    )
    result = audit(log.rounds, view, log.expected_balances())
    assert result.duplicated == Decimal("10.00")
    assert any("never asked for" in p for p in result.problems)


def test_a_cancel_of_a_paid_bet_takes_the_payout_back() -> None:
    """AIGame refund status 1: bet 10.00, win 19.50, then the stake back and the payout taken back."""
    r = paid_bet()
    r.add(Kind.ROLLBACK, "a1", Decimal("10.00"), reverses=True).outcome = Outcome.ACKED
    log = log_with(r)
    assert r.net() == 0
    good = ledger(
        "100.00",
        debit__a1=("completed", "-10.00"),
        credit__a1=("completed", "19.50"),
        rollback__a1=("completed", "-9.50"),
    )
    assert audit(log.rounds, good, log.expected_balances()).clean
    stake_only = ledger(
        "119.50",
        debit__a1=("completed", "-10.00"),
        credit__a1=("completed", "19.50"),
        rollback__a1=("completed", "10.00"),
    )
    kept = audit(log.rounds, stake_only, log.expected_balances())
    assert kept.lost == Decimal("19.50")  # the payout was not taken back: the ledger did less than asked
    assert kept.balance_mismatches


def test_an_operation_never_acknowledged_is_unresolved() -> None:
    r = Round("sud", PLAYER, "phase")
    r.add(Kind.CREDIT, "s1", Decimal("3.00"))  # still pending when the run stopped waiting
    log = log_with(r)
    result = audit(log.rounds, LedgerView(balances={PLAYER: OPENING}), log.expected_balances())
    assert result.unresolved == 1
    assert not result.clean
