"""The reconciler: the bets left placed, a proposal for each from its provider's records, and the
proposals applied through the core (a reconcile client's token per provider) and audited there.

Applying moves money only by the provider's own keys (``ProviderQuery.payout_transaction_id`` and
``cancel_transaction_id``): a proposal applied twice, or the provider's real payout arriving later, is
a replay in the core and moves nothing; a real payout of another amount is an IDEMPOTENCY_CONFLICT,
flagged for review. Every applied proposal, its outcome included, is recorded in the admin audit
(RecordReconciliation).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import TYPE_CHECKING

from google.protobuf import struct_pb2

from gateways.kit.core_client import CoreClient
from gateways.kit.core_errors import CoreError
from wallet.v1 import wallet_pb2 as pb
from wallet_reconcile.proposals import CANCEL, LEAVE, MANUAL, PAY, REVIEW, Proposal, proposal_key, split_key
from wallet_reconcile.queries import ProviderQuery, QueryFailed, ReconcileConfigError, Suggestion
from wallet_reconcile.settings import reconcile_settings

if TYPE_CHECKING:
    from wallet_cli.config import WalletConfig

PAGE_SIZE = 200


class ReconcileError(Exception):
    """The reconciler cannot go on; the message is one line for a person."""


@dataclass
class ProviderReconciler:
    """One provider: its core client (a reconcile token scoped to it) and its query, if it has one."""

    core: CoreClient
    query: ProviderQuery | None


class Reconciler:
    def __init__(self, providers: Mapping[str, ProviderReconciler]) -> None:
        self.providers = dict(providers)

    async def close(self) -> None:
        for provider in self.providers.values():
            if provider.query is not None:
                await provider.query.aclose()
            await provider.core.aclose()

    async def proposals(self, *, provider: str | None = None, older_than: timedelta) -> list[Proposal]:
        """One proposal for every bet left placed longer than ``older_than`` (of ``provider``, or of
        every configured provider), oldest first per provider. A provider's query that fails for its
        configuration (408003, 700101, a refused signature) raises ReconcileError at once."""
        return [proposal for proposal, _ in await self.stale_proposals(provider=provider, older_than=older_than)]

    async def stale_proposals(
        self, *, provider: str | None = None, older_than: timedelta
    ) -> list[tuple[Proposal, pb.StaleBet]]:
        """As ``proposals``, each with the stale bet it was made for (for ``apply_proposal``)."""
        found = []
        for name in self._names(provider):
            for bet in await self._stale_bets(name, older_than):
                found.append((await self._propose(name, bet), bet))
        return found

    async def apply(self, key: str, *, actor: str) -> str:
        """Applies one proposal through the core (only "pay" and "cancel" move money; "review" flags);
        returns one line saying what was done. Applying twice is a replay: nothing moves the second time."""
        try:
            provider, transaction_id = split_key(key)
        except ValueError as error:
            raise ReconcileError(str(error)) from None
        bet = await self._placed_bet(provider, transaction_id)
        if bet is None:
            return f"{key}: no longer placed (settled or cancelled): nothing to do"
        return await self.apply_proposal(await self._propose(provider, bet), bet, actor=actor)

    async def apply_proposal(self, proposal: Proposal, bet: pb.StaleBet, *, actor: str) -> str:
        """Applies ``proposal`` (made for ``bet``) and records it in the admin audit; one line."""
        reconciler = self._provider(proposal.provider)
        if proposal.action == PAY:
            outcome, action = await self._pay(reconciler, proposal, bet, actor)
        elif proposal.action == CANCEL:
            outcome, action = await self._cancel(reconciler, proposal, bet)
        elif proposal.action == REVIEW:
            outcome, action = f"flagged for review: {proposal.explanation}", REVIEW
        else:
            return f"{proposal.key}: {proposal.action}: nothing done ({proposal.explanation})"
        record = pb.RecordReconciliationRequest(
            provider=proposal.provider,
            transaction_id=proposal.bet_transaction_id,
            action=action,
            actor=actor,
            note=f"{outcome} | {proposal.explanation}",
        )
        try:
            await reconciler.core.record_reconciliation(record, request_id=_request_id())
        except CoreError as error:
            return f"{proposal.key}: {outcome} (NOT audited: {error})"
        return f"{proposal.key}: {outcome}"

    # --- the steps ---------------------------------------------------------------------------------

    def _names(self, provider: str | None) -> list[str]:
        if provider is None:
            return sorted(self.providers)
        self._provider(provider)
        return [provider]

    def _provider(self, name: str) -> ProviderReconciler:
        found = self.providers.get(name)
        if found is None:
            configured = ", ".join(sorted(self.providers)) or "none"
            raise ReconcileError(f"provider {name!r} is not in [reconcile.providers] (configured: {configured})")
        return found

    async def _stale_bets(self, provider: str, older_than: timedelta) -> list[pb.StaleBet]:
        core = self._provider(provider).core
        bets: list[pb.StaleBet] = []
        token = ""
        while True:
            request = pb.ListStaleBetsRequest(
                provider=provider,
                older_than_seconds=int(older_than.total_seconds()),
                page_size=PAGE_SIZE,
                page_token=token,
            )
            try:
                page = await core.list_stale_bets(request, request_id=_request_id())
            except CoreError as error:
                raise ReconcileError(f"the core refused to list {provider}'s stale bets: {error}") from None
            bets.extend(page.bets)
            token = page.next_page_token
            if not token:
                return bets

    async def _placed_bet(self, provider: str, transaction_id: str) -> pb.StaleBet | None:
        core = self._provider(provider).core
        request = pb.GetTransactionRequest(
            provider=provider, transaction_id=transaction_id, kind=pb.TRANSACTION_KIND_DEBIT
        )
        try:
            found = await core.get_transaction(request, request_id=_request_id())
        except CoreError as error:
            if error.reason == "TRANSACTION_NOT_FOUND":
                raise ReconcileError(f"{provider}:{transaction_id}: the wallet has no such bet") from None
            raise ReconcileError(f"the core refused: {error}") from None
        tx = found.transaction
        if tx.bet.state != pb.BET_STATE_PLACED:
            return None
        return pb.StaleBet(
            provider=provider,
            transaction_id=transaction_id,
            player_id=tx.player_id,
            currency=tx.currency,
            stake=tx.bet.stake,
            placed_at=tx.bet.placed_at,
            round_id=tx.round_id,
            game_id=tx.game_id,
            table_id=tx.table_id,
        )

    async def _propose(self, provider: str, bet: pb.StaleBet) -> Proposal:
        query = self._provider(provider).query
        if query is None:
            suggestion = Suggestion(MANUAL, "", f"{provider} has no record query: check with {provider} by hand")
        else:
            try:
                suggestion = await query.suggest(bet)
            except QueryFailed as failed:
                if failed.config:
                    raise ReconcileError(str(failed)) from None
                suggestion = Suggestion(LEAVE, "", f"could not ask {provider}: {failed}")
        return Proposal(
            key=proposal_key(provider, bet.transaction_id),
            provider=provider,
            player_id=bet.player_id,
            bet_transaction_id=bet.transaction_id,
            currency=bet.currency,
            stake=bet.stake,
            placed_at=bet.placed_at.ToDatetime(tzinfo=UTC),
            action=suggestion.action,
            amount=suggestion.amount,
            explanation=suggestion.explanation,
        )

    async def _pay(
        self, reconciler: ProviderReconciler, proposal: Proposal, bet: pb.StaleBet, actor: str
    ) -> tuple[str, str]:
        assert reconciler.query is not None  # only a query proposes a payout
        credit = pb.CreditRequest(
            provider=proposal.provider,
            transaction_id=reconciler.query.payout_transaction_id(bet),
            reference_transaction_id=bet.transaction_id,
            player_id=bet.player_id,
            currency=bet.currency,
            amount=proposal.amount,
            round_id=bet.round_id,
            game_id=bet.game_id,
            table_id=bet.table_id,
            details=_details(actor, proposal),
        )
        try:
            answer = await reconciler.core.credit(credit, request_id=_request_id())
        except CoreError as error:
            if error.reason == "IDEMPOTENCY_CONFLICT":
                return f"a payout of another amount is already recorded: not paid, flagged ({error.reason})", REVIEW
            if error.reason == "PAYOUT_HELD":
                return f"payout of {proposal.amount} held for review (wallet review list)", PAY
            return f"not paid: {error}", REVIEW
        if answer.replay:
            return f"already paid {proposal.amount} (replay): nothing moved", PAY
        balance = answer.transaction.balance_after
        return f"paid {proposal.amount} {bet.currency} to {bet.player_id} (balance {balance})", PAY

    async def _cancel(self, reconciler: ProviderReconciler, proposal: Proposal, bet: pb.StaleBet) -> tuple[str, str]:
        assert reconciler.query is not None  # only a query proposes a cancel
        rollback = pb.RollbackRequest(
            provider=proposal.provider,
            transaction_id=reconciler.query.cancel_transaction_id(bet),
            reference_transaction_id=bet.transaction_id,
            player_id=bet.player_id,
            currency=bet.currency,
            amount=bet.stake,
            game_id=bet.game_id,
        )
        try:
            answer = await reconciler.core.rollback(rollback, request_id=_request_id())
        except CoreError as error:
            return f"not cancelled: {error}", REVIEW
        if answer.replay:
            return "already cancelled (replay): nothing moved", CANCEL
        balance = answer.transaction.balance_after
        return f"cancelled: stake {bet.stake} {bet.currency} back to {bet.player_id} (balance {balance})", CANCEL


def reconciler_from_config(config: WalletConfig) -> Reconciler | None:
    """The reconciler of a wallet config, None when no [reconcile] section is configured.
    ReconcileConfigError names the first wrong key."""
    settings = reconcile_settings(config)
    if settings is None:
        return None
    return Reconciler(
        {
            name: ProviderReconciler(CoreClient(provider.core, provider=name), provider.query)
            for name, provider in settings.providers.items()
        }
    )


def _details(actor: str, proposal: Proposal) -> struct_pb2.Struct:
    details = struct_pb2.Struct()
    details.update({"reconciled": {"by": actor, "because": proposal.explanation}})
    return details


def _request_id() -> str:
    return f"reconcile-{uuid.uuid4().hex[:16]}"


__all__ = ["ReconcileConfigError", "ReconcileError", "Reconciler", "reconciler_from_config"]
