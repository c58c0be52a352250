"""The reconciler end to end: stale bets from a real core, AIGame's answers from the simulated
platform, actions applied through the core and audited; late real payouts through the gateway."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.support.core import CoreHandle
from tests.support.reconciling import INTERVAL, Reconciling
from tests.wallet_core.helpers import debit
from wallet_core.audit import AdminAudit
from wallet_core.store.database import create_engine
from wallet_reconcile.proposals import Proposal
from wallet_reconcile.reconciler import ReconcileError

NOW = timedelta(0)


async def _proposal(reconciling: Reconciling, bet: str) -> Proposal:
    found = await reconciling.reconciler.proposals(provider="aigame", older_than=NOW)
    return next(p for p in found if p.bet_transaction_id == bet)


async def _audit(core: CoreHandle) -> list[tuple[str, str, str]]:
    engine = create_engine(core.database_url)
    try:
        entries = await AdminAudit(engine).entries()
    finally:
        await engine.dispose()
    return [(e.action, e.subject, str(e.details.get("asked_by"))) for e in entries if e.action.startswith("bet.")]


async def test_each_aigame_status_maps_to_its_action(reconciling: Reconciling) -> None:
    expected = {0: "leave", 1: "pay", 2: "cancel", 3: "cancel", 4: "review", None: "review"}
    bets = {status: (await reconciling.stuck_bet(status))[1] for status in expected}
    found = await reconciling.reconciler.proposals(provider="aigame", older_than=NOW)
    by_bet = {p.bet_transaction_id: p for p in found}
    for status, action in expected.items():
        proposal = by_bet[bets[status]]
        assert proposal.action == action, (status, proposal)
        assert proposal.key == f"aigame:{bets[status]}"
        assert (proposal.currency, proposal.stake, proposal.player_id.startswith("aig-")) == ("USD", "10.00", True)
        assert proposal.explanation and "\n" not in proposal.explanation
        assert proposal.amount == ("19.50" if action == "pay" else "")
    assert reconciling.platform.too_frequent == 0
    assert (reconciling.platform.shortest_gap() or INTERVAL) >= INTERVAL
    assert not await reconciling.reconciler.proposals(provider="aigame", older_than=timedelta(hours=1))


async def test_a_record_naming_another_stake_is_flagged_not_acted_on(reconciling: Reconciling) -> None:
    _, bet = await reconciling.stuck_bet(2)
    reconciling.platform.records[bet]["bet_amount"] = "12"
    proposal = await _proposal(reconciling, bet)
    assert (proposal.action, "stake of 12" in proposal.explanation) == ("review", True)


async def test_apply_pays_once_and_a_late_real_payout_is_a_replay(reconciling: Reconciling, core: CoreHandle) -> None:
    aigame = reconciling.aigame
    user, bet = await reconciling.stuck_bet(1)
    assert await aigame.balance_of(user) == Decimal("90.00")
    proposal = await _proposal(reconciling, bet)
    line = await reconciling.reconciler.apply(proposal.key, actor="cli:alice")
    assert line.startswith(f"aigame:{bet}: paid 19.50 USD") and "\n" not in line
    assert await aigame.balance_of(user) == Decimal("109.50")
    again = await reconciling.reconciler.apply(proposal.key, actor="cli:alice")
    assert "nothing" in again
    assert await aigame.balance_of(user) == Decimal("109.50")
    late = await aigame.post("payout", aigame.vendor.payout(user, bet, "19.50"))
    assert (late["code"], late["data"]["balance"]) == (200, "109.50")
    assert await aigame.balance_of(user) == Decimal("109.50")
    assert await _audit(core) == [("bet.reconciled.pay", f"aigame {bet}", "cli:alice")]


async def test_the_same_proposal_applied_twice_is_a_replay(reconciling: Reconciling) -> None:
    user, bet = await reconciling.stuck_bet(1)
    proposal = await _proposal(reconciling, bet)
    stale = await reconciling.reconciler._placed_bet("aigame", bet)
    assert stale is not None
    first = await reconciling.reconciler.apply_proposal(proposal, stale, actor="cli:bob")
    second = await reconciling.reconciler.apply_proposal(proposal, stale, actor="cli:bob")
    assert "paid 19.50" in first and "already paid 19.50 (replay): nothing moved" in second
    assert await reconciling.aigame.balance_of(user) == Decimal("109.50")


async def test_a_late_payout_of_another_amount_is_a_conflict_and_not_paid(reconciling: Reconciling) -> None:
    aigame = reconciling.aigame
    user, bet = await reconciling.stuck_bet(1)
    await reconciling.reconciler.apply(f"aigame:{bet}", actor="cli:alice")
    late = await aigame.post("payout", aigame.vendor.payout(user, bet, "25.00"))
    assert late["code"] == 800109  # IDEMPOTENCY_CONFLICT: flagged for review by the gateway
    assert await aigame.balance_of(user) == Decimal("109.50")


async def test_a_real_payout_first_then_apply_another_amount_is_flagged(
    reconciling: Reconciling, core: CoreHandle
) -> None:
    aigame = reconciling.aigame
    user, bet = await reconciling.stuck_bet(1)
    proposal = await _proposal(reconciling, bet)
    stale = await reconciling.reconciler._placed_bet("aigame", bet)
    assert stale is not None
    assert (await aigame.post("payout", aigame.vendor.payout(user, bet, "30.00")))["code"] == 200
    line = await reconciling.reconciler.apply_proposal(proposal, stale, actor="cli:alice")
    assert "not paid, flagged" in line
    assert await aigame.balance_of(user) == Decimal("120.00")
    assert await _audit(core) == [("bet.reconciled.review", f"aigame {bet}", "cli:alice")]


async def test_apply_cancels_once_and_a_late_real_refund_is_a_replay(reconciling: Reconciling) -> None:
    aigame = reconciling.aigame
    user, bet = await reconciling.stuck_bet(2)
    line = await reconciling.reconciler.apply(f"aigame:{bet}", actor="cli:alice")
    assert "cancelled: stake 10.00 USD back" in line
    assert await aigame.balance_of(user) == Decimal("100.00")
    assert "nothing to do" in await reconciling.reconciler.apply(f"aigame:{bet}", actor="cli:alice")
    late = await aigame.post("refund", aigame.vendor.refund(user, bet, "10"))
    assert (late["code"], late["data"]["balance"]) == (200, "100.00")
    assert await aigame.balance_of(user) == Decimal("100.00")


async def test_review_only_flags_and_leave_does_nothing(reconciling: Reconciling, core: CoreHandle) -> None:
    user, flagged = await reconciling.stuck_bet(4)
    _, open_bet = await reconciling.stuck_bet(0)
    assert "flagged for review" in await reconciling.reconciler.apply(f"aigame:{flagged}", actor="cli:a")
    assert "nothing done" in await reconciling.reconciler.apply(f"aigame:{open_bet}", actor="cli:a")
    assert await reconciling.aigame.balance_of(user) == Decimal("90.00")
    assert await _audit(core) == [("bet.reconciled.review", f"aigame {flagged}", "cli:a")]


async def test_a_provider_without_a_query_is_listed_for_manual_handling(
    reconciling: Reconciling, core: CoreHandle
) -> None:
    await core.open_account("h1", "USD", "50")
    await debit(core, "hrg-bet-1", "h1", "5", provider="hrg")
    (proposal,) = await reconciling.reconciler.proposals(provider="hrg", older_than=NOW)
    assert (proposal.key, proposal.action, proposal.amount) == ("hrg:hrg-bet-1", "manual", "")
    assert "nothing done" in await reconciling.reconciler.apply(proposal.key, actor="cli:a")
    assert await core.balance("h1", "USD") == Decimal("45")


async def test_configuration_refusals_stop_with_one_line(reconciling: Reconciling) -> None:
    await reconciling.stuck_bet(1)
    with reconciling.platform.not_whitelisted(), pytest.raises(ReconcileError) as refused:
        await reconciling.reconciler.proposals(older_than=NOW)
    assert "whitelist" in str(refused.value) and "\n" not in str(refused.value)
    with pytest.raises(ReconcileError, match=r"not in \[reconcile\.providers\]"):
        await reconciling.reconciler.proposals(provider="sud", older_than=NOW)
    with pytest.raises(ReconcileError, match="no such bet"):
        await reconciling.reconciler.apply("aigame:never-placed", actor="cli:a")
    with pytest.raises(ReconcileError, match="not a proposal key"):
        await reconciling.reconciler.apply("nonsense", actor="cli:a")


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("user_id", "someone-else", "names player 'someone-else'"),
        ("currency", "VND2", "is in 'VND2'"),
        ("currency", "XYZ", "is in 'XYZ'"),
        ("win_amount", "", "names no win_amount"),
    ],
)
async def test_a_record_that_contradicts_the_bet_is_flagged(
    reconciling: Reconciling, field: str, value: str, words: str
) -> None:
    user, bet = await reconciling.stuck_bet(1)
    reconciling.platform.records[bet][field] = value
    proposal = await _proposal(reconciling, bet)
    assert (proposal.action, words in proposal.explanation) == ("review", True), proposal
    await reconciling.reconciler.apply(proposal.key, actor="cli:a")
    assert await reconciling.aigame.balance_of(user) == Decimal("90.00")
