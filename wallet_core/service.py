"""The gRPC entrypoint: proto messages in, ledger calls, proto messages out.

It only translates. Refusals become a status code plus one google.rpc.ErrorInfo whose
reason is the ledger's; the code for each reason is in ``GRPC_CODES``.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

import grpc
from google.protobuf import struct_pb2, timestamp_pb2
from google.rpc import error_details_pb2, status_pb2

from wallet.v1 import wallet_pb2 as pb
from wallet.v1 import wallet_pb2_grpc
from wallet_core import money
from wallet_core.audit import AdminAudit, record_account_opened
from wallet_core.auth import (
    Authenticator,
    actor_of,
    require_admin,
    require_decider,
    require_provider,
    require_reader,
    require_reconcile,
)
from wallet_core.config import Client
from wallet_core.details import DetailsRefused, details_to_dict
from wallet_core.domain import Account, Bet, BetState, Kind, MoneyRequest, Outcome, Status, Transaction
from wallet_core.errors import Reason, WalletError
from wallet_core.figures import DayFigures, daily_figures, refusals
from wallet_core.holds import APPROVED, PENDING, REJECTED, Hold, Review
from wallet_core.ledger import MAX_PAGE_SIZE, Ledger, page_limit
from wallet_core.limits import LimitsAdmin, PlayerLimits
from wallet_core.metrics import observe_call
from wallet_core.players import Players, PlayerStatus
from wallet_core.stale_bets import StaleBet, placed_before, stale_bets

log = logging.getLogger("wallet_core.service")

ERROR_DOMAIN = "wallet.v1"

GRPC_CODES: dict[Reason, grpc.StatusCode] = {
    Reason.INVALID_ARGUMENT: grpc.StatusCode.INVALID_ARGUMENT,
    Reason.INVALID_AMOUNT: grpc.StatusCode.INVALID_ARGUMENT,
    Reason.UNSUPPORTED_CURRENCY: grpc.StatusCode.INVALID_ARGUMENT,
    Reason.CURRENCY_MISMATCH: grpc.StatusCode.FAILED_PRECONDITION,
    Reason.PLAYER_MISMATCH: grpc.StatusCode.FAILED_PRECONDITION,
    Reason.AMOUNT_MISMATCH: grpc.StatusCode.FAILED_PRECONDITION,
    Reason.ACCOUNT_NOT_FOUND: grpc.StatusCode.NOT_FOUND,
    Reason.TRANSACTION_NOT_FOUND: grpc.StatusCode.NOT_FOUND,
    Reason.ACCOUNT_EXISTS: grpc.StatusCode.ALREADY_EXISTS,
    Reason.IDEMPOTENCY_CONFLICT: grpc.StatusCode.ALREADY_EXISTS,
    Reason.INSUFFICIENT_FUNDS: grpc.StatusCode.FAILED_PRECONDITION,
    Reason.ALREADY_ROLLED_BACK: grpc.StatusCode.FAILED_PRECONDITION,
    Reason.ALREADY_SETTLED: grpc.StatusCode.FAILED_PRECONDITION,
    Reason.UNAUTHENTICATED: grpc.StatusCode.UNAUTHENTICATED,
    Reason.TOKEN_EXPIRED: grpc.StatusCode.UNAUTHENTICATED,
    Reason.PERMISSION_DENIED: grpc.StatusCode.PERMISSION_DENIED,
    Reason.STORE_UNAVAILABLE: grpc.StatusCode.UNAVAILABLE,
    Reason.PLAYER_BLOCKED: grpc.StatusCode.FAILED_PRECONDITION,
    Reason.PAYOUT_HELD: grpc.StatusCode.ABORTED,
    Reason.PAYOUT_REJECTED: grpc.StatusCode.FAILED_PRECONDITION,
    Reason.LIMIT_REACHED: grpc.StatusCode.FAILED_PRECONDITION,
}

_KINDS = {
    pb.TRANSACTION_KIND_DEBIT: Kind.DEBIT,
    pb.TRANSACTION_KIND_CREDIT: Kind.CREDIT,
    pb.TRANSACTION_KIND_ROLLBACK: Kind.ROLLBACK,
}
_KIND_VALUES = {kind: value for value, kind in _KINDS.items()}
_STATUS_VALUES = {status: pb.TransactionStatus.Value(f"TRANSACTION_STATUS_{status.name}") for status in Status}
_BET_STATE_VALUES = {state: pb.BetState.Value(f"BET_STATE_{state.name}") for state in BetState}
_HOLD_STATUSES = {
    pb.HOLD_STATUS_PENDING: PENDING,
    pb.HOLD_STATUS_APPROVED: APPROVED,
    pb.HOLD_STATUS_REJECTED: REJECTED,
}
_HOLD_STATUS_VALUES = {status: value for value, status in _HOLD_STATUSES.items()}

Req = TypeVar("Req")
Resp = TypeVar("Resp")
Metadata = Sequence[tuple[str, str | bytes]]
Handler = Callable[[Any, Req, Metadata], Awaitable[Resp]]
"""A call's handler: it is given the call's metadata, read once for the token and the request id."""
Servicer = Callable[[Any, Req, grpc.aio.ServicerContext], Awaitable[Resp]]


QUIET_METHODS = frozenset({"LeaseEvents", "AckEvents"})
"""Logged at DEBUG when they succeed: a relay asks several times a second (the metrics count them)."""


class CallTracing(Protocol):
    """A call's trace span (wallet_core/tracing.py), when tracing is on."""

    def span(self, method: str, metadata: Metadata) -> AbstractContextManager[object]:
        """The call's server span, the child of the caller's `traceparent`, current while it is answered."""

    def decided(self, method: str, outcome: str, request: object, response: object | None, metadata: Metadata) -> None:
        """The ledger's decision on the span: ``outcome`` is ``OK`` or the refusal's reason."""


MAX_ECHO = 160
"""How much of a value a refusal echoes: its message and metadata travel in the call's trailers,
and a client refuses trailers over 8 KiB (a 5000-character id would have turned a refusal into
RESOURCE_EXHAUSTED, without its ErrorInfo)."""
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_PAGE_TOKEN = re.compile(r"[0-9]{1,19}")
_MAX_AGE_SECONDS = 100 * 365 * 86400
"""A threshold past any bet's age (a larger one would overflow a datetime): it lists nothing."""
RECONCILED = "bet.reconciled"
"""The audit action of a reconciliation, followed by what was done: ``bet.reconciled.pay``."""
RECONCILE_ACTIONS = frozenset({"pay", "cancel", "review", "leave", "manual"})


def _bounded(text: str) -> str:
    return text if len(text) <= MAX_ECHO else text[:MAX_ECHO] + "..."


def status_details(error: WalletError) -> bytes:
    """The google.rpc.Status, with exactly one ErrorInfo, that trails a refusal (echoed values bounded)."""
    metadata = {key: _bounded(value) for key, value in error.metadata.items()}
    info = error_details_pb2.ErrorInfo(reason=error.reason.value, domain=ERROR_DOMAIN, metadata=metadata)
    status = status_pb2.Status(code=GRPC_CODES[error.reason].value[0], message=_bounded(error.message))
    status.details.add().Pack(info)
    return bytes(status.SerializeToString())


def rpc(handler: Handler[Req, Resp]) -> Servicer[Req, Resp]:
    """Log and time a call, and answer a WalletError as a status with its ErrorInfo.

    The call is logged and counted before its answer goes out: once a caller has its answer it may
    act on it (a test reads the log, an operator a dashboard), and the line must already be there.
    A handler that fails with anything else is answered UNKNOWN by gRPC, and counted so.
    """
    method = handler.__name__

    async def answer(self: Any, request: Req, context: grpc.aio.ServicerContext, metadata: Metadata) -> Resp:
        started = time.perf_counter()
        try:
            response = await handler(self, request, metadata)
        except WalletError as error:
            _record_call(method, error.reason.value, started, request, metadata)
            if self.tracing is not None:
                self.tracing.decided(method, error.reason.value, request, None, metadata)
            await context.abort(
                GRPC_CODES[error.reason],
                _bounded(error.message),
                trailing_metadata=(("grpc-status-details-bin", status_details(error)),),
            )
            raise AssertionError("unreachable") from None  # abort raises
        except asyncio.CancelledError:  # the caller went away (or the server is stopping)
            _record_call(method, "CANCELLED", started, request, metadata)
            raise
        except Exception:
            _record_call(method, "UNKNOWN", started, request, metadata)
            if self.tracing is not None:
                self.tracing.decided(method, "UNKNOWN", request, None, metadata)
            raise
        _record_call(method, "OK", started, request, metadata)
        if self.tracing is not None:
            self.tracing.decided(method, "OK", request, response, metadata)
        return response

    @functools.wraps(handler)
    async def wrapper(self: Any, request: Req, context: grpc.aio.ServicerContext) -> Resp:
        # grpc.aio builds a new tuple on every invocation_metadata() call: read it once per call.
        metadata = context.invocation_metadata() or ()
        if self.tracing is None:
            return await answer(self, request, context, metadata)
        with self.tracing.span(method, metadata):
            return await answer(self, request, context, metadata)

    return wrapper


def _record_call(method: str, outcome: str, started: float, request: object, metadata: Metadata) -> None:
    elapsed = time.perf_counter() - started
    observe_call(method, outcome, elapsed)
    log.log(
        logging.DEBUG if method in QUIET_METHODS and outcome == "OK" else logging.INFO,
        "rpc",
        extra={
            "method": method,
            "outcome": outcome,
            "latency_ms": round(elapsed * 1000, 2),
            "provider": getattr(request, "provider", ""),
            "transaction_id": getattr(request, "transaction_id", ""),
            "request_id": _metadata_value(metadata, "x-request-id"),
        },
    )


class WalletService(wallet_pb2_grpc.WalletServiceServicer):
    tracing: CallTracing | None = None
    """Set when tracing is on (wallet_core.tracing.CallSpans); None, calls pay nothing for it."""

    def __init__(self, ledger: Ledger, authenticator: Authenticator, audit: AdminAudit) -> None:
        self.ledger = ledger
        self.authenticator = authenticator
        self.audit = audit
        self.players = Players(ledger.engine, audit)
        self.review = Review(ledger.engine, ledger.currencies, audit)
        self.limits = LimitsAdmin(ledger.engine, audit, ledger.currencies, ledger.limits_zone)

    def _client(self, metadata: Metadata) -> Client:
        return self.authenticator.identify(metadata)

    @rpc
    async def CreateAccount(self, request: pb.CreateAccountRequest, metadata: Metadata) -> pb.CreateAccountResponse:
        client = self._client(metadata)
        require_admin(client)
        account = await self.ledger.create_account(request.player_id, request.currency, request.initial_balance)
        answer = self._account(account)
        await record_account_opened(self.audit, client.name, account, answer.balance)
        return pb.CreateAccountResponse(account=answer)

    @rpc
    async def GetBalance(self, request: pb.GetBalanceRequest, metadata: Metadata) -> pb.GetBalanceResponse:
        client = self._client(metadata)
        if not client.reads_all:  # a gateway names its provider; the admin and a console read every one
            require_provider(client, request.provider)
        _no_nul(request, "provider", "player_id")
        return pb.GetBalanceResponse(
            account=self._account(await self.ledger.account(request.player_id, request.currency))
        )

    @rpc
    async def Debit(self, request: pb.DebitRequest, metadata: Metadata) -> pb.DebitResponse:
        outcome = await self.ledger.debit(self._money_request(Kind.DEBIT, request, metadata))
        return pb.DebitResponse(transaction=self._answer(outcome, request), replay=outcome.replay)

    @rpc
    async def Credit(self, request: pb.CreditRequest, metadata: Metadata) -> pb.CreditResponse:
        outcome = await self.ledger.credit(self._money_request(Kind.CREDIT, request, metadata))
        return self._credit_response(outcome, request)

    @rpc
    async def CreditBatch(self, request: pb.CreditBatchRequest, metadata: Metadata) -> pb.CreditBatchResponse:
        credits = [self._money_request(Kind.CREDIT, credit, metadata) for credit in request.credits]
        outcomes = await self.ledger.credit_batch(credits)
        return pb.CreditBatchResponse(
            credits=[self._credit_response(o, r) for o, r in zip(outcomes, request.credits, strict=True)]
        )

    @rpc
    async def Rollback(self, request: pb.RollbackRequest, metadata: Metadata) -> pb.RollbackResponse:
        outcome = await self.ledger.rollback(self._money_request(Kind.ROLLBACK, request, metadata))
        return pb.RollbackResponse(transaction=self._answer(outcome, request), replay=outcome.replay)

    @rpc
    async def GetTransaction(self, request: pb.GetTransactionRequest, metadata: Metadata) -> pb.GetTransactionResponse:
        _require_read(self._client(metadata), request.provider)
        if not request.transaction_id:
            raise WalletError(Reason.INVALID_ARGUMENT, "transaction_id is required", field="transaction_id")
        _no_nul(request, "provider", "transaction_id")
        found, related = await self.ledger.transaction(
            request.provider, request.transaction_id, _KINDS.get(request.kind)
        )
        return pb.GetTransactionResponse(
            transaction=self._transaction(found), related=[self._transaction(t) for t in related]
        )

    @rpc
    async def ListTransactions(
        self, request: pb.ListTransactionsRequest, metadata: Metadata
    ) -> pb.ListTransactionsResponse:
        client = self._client(metadata)
        if not client.reads_all:  # a gateway names its provider; the admin and a console read every one
            require_provider(client, request.provider)
        _no_nul(request, "provider", "player_id", "round_id")
        after_id = _page_token(request.page_token)
        page_size = request.page_size or 50
        found = await self.ledger.list_transactions(
            player_id=request.player_id,
            round_id=request.round_id,
            provider=request.provider,
            after_id=after_id,
            page_size=page_size,
        )
        # A full page may have more behind it; the ledger decides what "full" is.
        next_token = str(found[-1].id) if found and len(found) == page_limit(page_size) else ""
        return pb.ListTransactionsResponse(
            transactions=[self._transaction(t) for t in found], next_page_token=next_token
        )

    @rpc
    async def SetPlayerStatus(
        self, request: pb.SetPlayerStatusRequest, metadata: Metadata
    ) -> pb.SetPlayerStatusResponse:
        client = self._client(metadata)
        require_admin(client, "block or unblock players")
        status = await self.players.set_blocked(request.player_id, request.blocked, request.reason, client.name)
        return pb.SetPlayerStatusResponse(status=_player_status(status))

    @rpc
    async def GetPlayerStatus(
        self, request: pb.GetPlayerStatusRequest, metadata: Metadata
    ) -> pb.GetPlayerStatusResponse:
        require_reader(self._client(metadata), "read players' status")
        return pb.GetPlayerStatusResponse(status=_player_status(await self.players.status(request.player_id)))

    @rpc
    async def ListHeldPayouts(
        self, request: pb.ListHeldPayoutsRequest, metadata: Metadata
    ) -> pb.ListHeldPayoutsResponse:
        require_reader(self._client(metadata), "read held payouts")
        status = _HOLD_STATUSES.get(request.status, PENDING)
        held = await self.review.holds(status, page_limit(request.page_size or MAX_PAGE_SIZE))
        return pb.ListHeldPayoutsResponse(held_payouts=[self._held_payout(hold) for hold in held])

    @rpc
    async def DecideHeldPayout(
        self, request: pb.DecideHeldPayoutRequest, metadata: Metadata
    ) -> pb.DecideHeldPayoutResponse:
        client = self._client(metadata)
        require_decider(client, "decide held payouts")
        actor = actor_of(client, metadata)
        if request.decision == pb.HOLD_STATUS_APPROVED:
            decided = await self.review.approve(request.hold_id, actor)
        elif request.decision == pb.HOLD_STATUS_REJECTED:
            decided = await self.review.reject(request.hold_id, actor, request.reason)
        else:
            raise WalletError(Reason.INVALID_ARGUMENT, "decision must be APPROVED or REJECTED", field="decision")
        return pb.DecideHeldPayoutResponse(held_payout=self._held_payout(decided))

    @rpc
    async def SetLimits(self, request: pb.SetLimitsRequest, metadata: Metadata) -> pb.SetLimitsResponse:
        client = self._client(metadata)
        require_admin(client, "set players' limits")
        changed = await self.limits.set_limits(
            request.player_id, request.currency, request.max_stake, request.max_daily_loss, client.name
        )
        return pb.SetLimitsResponse(limits=self._limits(changed))

    @rpc
    async def GetLimits(self, request: pb.GetLimitsRequest, metadata: Metadata) -> pb.GetLimitsResponse:
        require_reader(self._client(metadata), "read players' limits")
        return pb.GetLimitsResponse(
            limits=[self._limits(found) for found in await self.limits.limits(request.player_id)]
        )

    @rpc
    async def ListStaleBets(self, request: pb.ListStaleBetsRequest, metadata: Metadata) -> pb.ListStaleBetsResponse:
        require_reconcile(self._client(metadata), request.provider)
        _no_nul(request, "provider")
        if request.older_than_seconds < 0:
            raise WalletError(
                Reason.INVALID_ARGUMENT, "older_than_seconds must be 0 or more", field="older_than_seconds"
            )
        after_id = _page_token(request.page_token)
        limit = page_limit(request.page_size or MAX_PAGE_SIZE)
        cutoff = placed_before(datetime.now(UTC), min(request.older_than_seconds, _MAX_AGE_SECONDS))
        found = await stale_bets(self.ledger.engine, request.provider, cutoff, after_id=after_id, limit=limit)
        next_token = str(found[-1].id) if len(found) == limit else ""
        return pb.ListStaleBetsResponse(bets=[self._stale_bet(b) for b in found], next_page_token=next_token)

    @rpc
    async def RecordReconciliation(
        self, request: pb.RecordReconciliationRequest, metadata: Metadata
    ) -> pb.RecordReconciliationResponse:
        client = self._client(metadata)
        require_reconcile(client, request.provider)
        if request.action not in RECONCILE_ACTIONS:
            raise WalletError(
                Reason.INVALID_ARGUMENT,
                f"action must be one of {', '.join(sorted(RECONCILE_ACTIONS))}",
                field="action",
            )
        for name in ("transaction_id", "actor"):
            if not getattr(request, name):
                raise WalletError(Reason.INVALID_ARGUMENT, f"{name} is required", field=name)
        _no_nul(request, "provider", "transaction_id", "actor", "note")
        await self.audit.record(
            client.name,
            f"{RECONCILED}.{request.action}",
            f"{request.provider} {request.transaction_id}"[:256],
            asked_by=request.actor[:128],
            note=request.note[:1000],
        )
        return pb.RecordReconciliationResponse()

    @rpc
    async def ListAccounts(self, request: pb.ListAccountsRequest, metadata: Metadata) -> pb.ListAccountsResponse:
        require_reader(self._client(metadata), "look players up")
        if not request.player_id_prefix:
            raise WalletError(Reason.INVALID_ARGUMENT, "player_id_prefix is required", field="player_id_prefix")
        _no_nul(request, "player_id_prefix")
        found = await self.ledger.accounts_by_prefix(
            request.player_id_prefix, page_limit(request.page_size or MAX_PAGE_SIZE)
        )
        return pb.ListAccountsResponse(accounts=[self._account(account) for account in found])

    @rpc
    async def GetRawRequest(self, request: pb.GetRawRequestRequest, metadata: Metadata) -> pb.GetRawRequestResponse:
        require_reader(self._client(metadata), "read raw requests")
        kind = _KINDS.get(request.kind)
        if kind is None:
            raise WalletError(Reason.INVALID_ARGUMENT, "kind is required: debit, credit or rollback", field="kind")
        if not request.provider or not request.transaction_id:
            raise WalletError(Reason.INVALID_ARGUMENT, "provider and transaction_id are required", field="provider")
        _no_nul(request, "provider", "transaction_id")
        raw = await self.ledger.raw_request(request.provider, kind, request.transaction_id)
        return pb.GetRawRequestResponse(raw_request=raw)

    @rpc
    async def GetFigures(self, request: pb.GetFiguresRequest, metadata: Metadata) -> pb.GetFiguresResponse:
        require_reader(self._client(metadata), "read the figures")
        if not request.HasField("since"):
            raise WalletError(Reason.INVALID_ARGUMENT, "since is required", field="since")
        since = _time_field(request, "since")
        until = _time_field(request, "until") if request.HasField("until") else datetime.now(UTC)
        days = await daily_figures(self.ledger.engine, since, until)
        refused = await refusals(self.ledger.engine, since, until)
        return pb.GetFiguresResponse(
            days=[self._day_figures(day) for day in days],
            refusals=[pb.RefusalCount(provider=r.provider, reason=r.reason, count=r.count) for r in refused],
        )

    # --- translation -------------------------------------------------------------------

    def _stale_bet(self, bet: StaleBet) -> pb.StaleBet:
        return pb.StaleBet(
            provider=bet.provider,
            transaction_id=bet.transaction_id,
            player_id=bet.player_id,
            currency=bet.currency,
            stake=self._amount(bet.stake, bet.currency),
            placed_at=_timestamp(bet.placed_at),
            round_id=bet.round_id,
            game_id=bet.game_id,
            table_id=bet.table_id,
        )

    def _day_figures(self, day: DayFigures) -> pb.DailyFigures:
        found, currency = day.figures.figures, day.figures.currency
        return pb.DailyFigures(
            day=day.day,
            provider=day.figures.provider,
            currency=currency,
            bet_count=found.bet_count,
            bets=self._amount(found.bets, currency),
            wins=self._amount(found.wins, currency),
            cancels=self._amount(found.cancels, currency),
            reversed_payouts=self._amount(found.reversed_payouts, currency),
            ggr=self._amount(found.ggr, currency),
        )

    def _limits(self, found: PlayerLimits) -> pb.Limits:
        def decimal(minor: int | None) -> str:
            return self.limits.decimal(found.currency, minor)

        return pb.Limits(
            player_id=found.player_id,
            currency=found.currency,
            max_stake=decimal(found.limits.max_stake),
            max_daily_loss=decimal(found.limits.max_daily_loss),
            net_loss_today=decimal(found.net_loss_today),
        )

    def _money_request(self, kind: Kind, request: Any, metadata: Metadata) -> MoneyRequest:
        """The request prepared once (``MoneyRequest.prepare``): every layer below takes this value."""
        client = self._client(metadata)
        require_provider(client, request.provider)
        if client.reconcile and kind is Kind.DEBIT and not client.admin:
            # A reconciler settles bets the provider placed; it never takes a stake.
            raise WalletError(
                Reason.PERMISSION_DENIED, f"{client.name} is a reconcile client: it takes no stakes", client=client.name
            )
        try:
            details = details_to_dict(request.details) if request.HasField("details") else {}
        except DetailsRefused as refused:
            raise WalletError(Reason.INVALID_ARGUMENT, str(refused), field="details") from None
        return MoneyRequest.prepare(
            self.ledger.currencies,
            kind,
            request.provider,
            request.transaction_id,
            request.player_id,
            request.currency,
            request.amount,
            round_id=request.round_id,
            game_id=request.game_id,
            table_id=request.table_id,
            reference_id=request.reference_transaction_id,
            details=details,
            event_time=_event_time(request),
            raw_request=request.raw_request,
            # Only a RollbackRequest has the field (getattr's miss on the others costs an exception).
            reverse_payouts=kind is Kind.ROLLBACK and request.reverse_payouts,
            client=client.name,
        )

    def _credit_response(self, outcome: Outcome, request: pb.CreditRequest) -> pb.CreditResponse:
        return pb.CreditResponse(transaction=self._answer(outcome, request), replay=outcome.replay)

    def _answer(self, outcome: Outcome, request: Any) -> pb.Transaction:
        """The transaction a money call answers. A new one stored the request's own details:
        they are copied as the Struct they came in (a replay's come from the store)."""
        return self._transaction(outcome.transaction, None if outcome.replay else request.details)

    def _amount(self, minor: int, currency: str) -> str:
        return money.to_decimal_string(minor, self.ledger.currencies.get(currency, 0))

    def _account(self, account: Account) -> pb.Account:
        return pb.Account(
            wallet_id=account.id,
            player_id=account.player_id,
            currency=account.currency,
            balance=self._amount(account.balance, account.currency),
            created_at=_timestamp(account.created_at),
        )

    def _bet(self, bet: Bet) -> pb.Bet:
        return pb.Bet(
            transaction_id=bet.transaction_id,
            state=_BET_STATE_VALUES[bet.state],
            stake=self._amount(bet.stake, bet.currency),
            payout=self._amount(bet.payout, bet.currency),
            placed_at=_timestamp(bet.placed_at),
            settled_at=_timestamp(bet.settled_at),
            cancelled_at=_timestamp(bet.cancelled_at),
        )

    def _held_payout(self, hold: Hold) -> pb.HeldPayout:
        return pb.HeldPayout(
            hold_id=hold.id,
            provider=hold.provider,
            transaction_id=hold.transaction_id,
            player_id=hold.player_id,
            currency=hold.currency,
            amount=self._amount(hold.amount, hold.currency),
            reference_transaction_id=hold.reference_id,
            stake="" if hold.stake is None else self._amount(hold.stake, hold.currency),
            paid_before=self._amount(hold.paid_before, hold.currency),
            status=_HOLD_STATUS_VALUES[hold.status],
            held_at=_timestamp(hold.held_at),
            decided_by=hold.decided_by,
            decided_at=_timestamp(hold.decided_at),
            decision_reason=hold.decision_reason,
            cause=hold.cause,
        )

    def transaction_message(self, tx: Transaction) -> pb.Transaction:
        """``tx`` as the contract words it (GetTransaction's, and an event's: wallet_core.outbox_service)."""
        return self._transaction(tx)

    def _transaction(self, tx: Transaction, details: struct_pb2.Struct | None = None) -> pb.Transaction:
        if details is None:
            details = struct_pb2.Struct()
            details.update(tx.details)
        return pb.Transaction(
            wallet_transaction_id=tx.id,
            provider=tx.provider,
            transaction_id=tx.transaction_id,
            kind=_KIND_VALUES[tx.kind],
            status=_STATUS_VALUES[tx.status],
            player_id=tx.player_id,
            currency=tx.currency,
            amount=self._amount(tx.amount, tx.currency),
            balance_change=self._amount(tx.balance_change, tx.currency),
            balance_after=self._amount(tx.balance_after, tx.currency) if tx.balance_after is not None else "",
            round_id=tx.round_id,
            game_id=tx.game_id,
            table_id=tx.table_id,
            reference_transaction_id=tx.reference_id,
            details=details,
            event_time=_timestamp(tx.event_time),
            created_at=_timestamp(tx.created_at),
            error_reason=tx.error_reason or "",
            bet=self._bet(tx.bet) if tx.bet else None,
        )


def _require_read(client: Client, provider: str) -> None:
    """A read of one provider's records: that provider's own client, or one that reads them all."""
    if not provider:
        raise WalletError(Reason.INVALID_ARGUMENT, "provider is required", field="provider")
    if not client.reads_all:
        require_provider(client, provider)


def _time_field(request: Any, name: str) -> datetime:
    try:
        moment: datetime = getattr(request, name).ToDatetime(tzinfo=UTC)
    except (ValueError, OverflowError):
        raise WalletError(Reason.INVALID_ARGUMENT, f"{name} is not a valid timestamp", field=name) from None
    return moment


def _event_time(request: Any) -> datetime | None:
    """The request's event time, or INVALID_ARGUMENT for a Timestamp outside protobuf's own range
    (years 1 to 9999, nanos 0 to 999999999), which no datetime can hold."""
    if not request.HasField("event_time"):
        return None
    try:
        event_time: datetime = request.event_time.ToDatetime(tzinfo=UTC)
    except (ValueError, OverflowError):
        raise WalletError(Reason.INVALID_ARGUMENT, "event_time is not a valid timestamp", field="event_time") from None
    return event_time


def _page_token(page_token: str) -> int:
    """The id a page starts after, from a next_page_token this service gave ("": the first page)."""
    token = page_token or "0"
    if not _PAGE_TOKEN.fullmatch(token) or int(token) >= 2**63:
        raise WalletError(Reason.INVALID_ARGUMENT, "page_token is not one this service gave", field="page_token")
    return int(token)


def _no_nul(request: Any, *names: str) -> None:
    """INVALID_ARGUMENT for a NUL in a field a read looks up (PostgreSQL text cannot hold one: the
    lookup would otherwise fail as STORE_UNAVAILABLE, a false outage). Writes are checked by the ledger."""
    for name in names:
        if "\x00" in getattr(request, name):
            raise WalletError(Reason.INVALID_ARGUMENT, f"{name} contains a NUL character", field=name)


def _player_status(status: PlayerStatus) -> pb.PlayerStatus:
    block = status.block
    if block is None:
        return pb.PlayerStatus(player_id=status.player_id, blocked=False)
    return pb.PlayerStatus(
        player_id=status.player_id,
        blocked=True,
        reason=block.reason,
        blocked_by=block.actor,
        blocked_at=_timestamp(block.blocked_at),
    )


def _timestamp(value: datetime | None) -> timestamp_pb2.Timestamp | None:
    """Exact, and about 6x cheaper than Timestamp.FromDatetime (a response holds up to five)."""
    if value is None:
        return None
    since = (value if value.tzinfo else value.replace(tzinfo=UTC)) - _EPOCH  # naive means UTC, as in the store
    return timestamp_pb2.Timestamp(seconds=since.days * 86400 + since.seconds, nanos=since.microseconds * 1000)


def _metadata_value(metadata: Metadata, key: str) -> str:
    for k, v in metadata:
        if k == key:
            return v if isinstance(v, str) else v.decode("latin-1")
    return ""
