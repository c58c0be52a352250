"""A test-only Reconciler (the interface of wallet_reconcile.reconciler) over a real core: it proposes
to pay each bet it is given, and applies a proposal as the provider's gateway would, with a Credit
whose transaction id is the bet's, so that a second apply is a replay in the core and moves nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tests.support.core import CoreHandle, bearer
from wallet.v1 import wallet_pb2 as pb
from wallet_reconcile.proposals import Proposal
from wallet_reconcile.reconciler import ReconcileError, Reconciler


@dataclass
class FakeReconciler(Reconciler):
    core: CoreHandle
    proposed: list[Proposal] = field(default_factory=list)
    applied: list[tuple[str, str]] = field(default_factory=list)
    closed: bool = False

    def propose_payout(self, provider: str, bet_id: str, player_id: str, stake: str, amount: str) -> Proposal:
        proposal = Proposal(
            key=f"{provider}:{bet_id}",
            provider=provider,
            player_id=player_id,
            bet_transaction_id=bet_id,
            currency="USD",
            stake=stake,
            placed_at=datetime.now(UTC) - timedelta(hours=1),
            action="pay",
            amount=amount,
            explanation=f"{provider} answered status 1 (settled), win {amount}: pay it",
        )
        self.proposed.append(proposal)
        return proposal

    async def proposals(self, *, provider: str | None = None, older_than: timedelta) -> list[Proposal]:
        return [p for p in self.proposed if provider is None or p.provider == provider]

    async def apply(self, key: str, *, actor: str) -> str:
        proposal = next((p for p in self.proposed if p.key == key), None)
        if proposal is None:
            raise ReconcileError(f"no proposal {key!r}")
        request = pb.CreditRequest(
            provider=proposal.provider,
            transaction_id=proposal.bet_transaction_id,
            player_id=proposal.player_id,
            currency=proposal.currency,
            amount=proposal.amount,
            reference_transaction_id=proposal.bet_transaction_id,
        )
        answer = await self.core.stub.Credit(request, metadata=bearer(self.core.token_for(proposal.provider)))
        self.applied.append((key, actor))
        if answer.replay:
            return f"{key}: already paid, nothing moved"
        return f"{key}: paid {proposal.amount} {proposal.currency}, balance {answer.transaction.balance_after}"

    async def close(self) -> None:
        self.closed = True
