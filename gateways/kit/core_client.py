"""The one async gRPC client a gateway uses to reach the wallet core.

The channel is opened as its CoreConnection says (plaintext, TLS or mutual TLS). Every call
carries the gateway's bearer token and the request id, and has a total deadline well under the
provider's own timeout. A call that the core answered
without deciding anything (UNAVAILABLE, DEADLINE_EXCEEDED, STORE_UNAVAILABLE) is retried with the
very same request: the core is idempotent on the transaction id, so a retry can never move money
twice. Every other failure is raised at once as a CoreError: a refusal the core decided
(INSUFFICIENT_FUNDS, a conflicting replay, ...) is never tried again.

This is the gateway's only retry (the channel's service config has no retryPolicy: gRPC would
retry on status codes alone and multiply these attempts). Over several cores (core_channel) each
attempt is balanced anew, so the retry of a call cut off by a dying core goes to another one, and
being the same request with the same transaction id, it is a replay there: answered as the first
attempt was when that one committed, applied once when it did not.
"""

import asyncio
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import grpc
from google.protobuf.message import Message
from grpc_health.v1 import health_pb2, health_pb2_grpc

from gateways.kit.core_channel import open_channel
from gateways.kit.core_connection import CoreConnection
from gateways.kit.core_errors import CoreError
from gateways.kit.metrics import CORE_CALLS, CORE_RETRIES, labelled
from wallet.v1 import wallet_pb2, wallet_pb2_grpc

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

ResponseT = TypeVar("ResponseT", bound=Message)

FIRST_BACKOFF_SECONDS = 0.05


class CoreClient:
    """Async client of wallet.v1.WalletService for one provider's gateway.

    The TLS files are read at construction (a bad path stops the gateway at start); the channel is
    opened on first use (inside the running event loop) and closed by `aclose()`. With `tracer`,
    every call carries the request's `traceparent` to the core (gateways.kit.tracing).
    """

    def __init__(self, connection: CoreConnection, *, provider: str, tracer: "TracerProvider | None" = None) -> None:
        self.connection = connection
        self.provider = provider
        self._trace_context: Callable[[], list[tuple[str, str]]] | None = None
        if tracer is not None:
            from gateways.kit.tracing import trace_context

            self._trace_context = trace_context
        self._credentials = connection.credentials()
        self._authorization = ("authorization", f"Bearer {connection.token}")
        self._channel: grpc.aio.Channel | None = None
        self._stub: wallet_pb2_grpc.WalletServiceStub | None = None

    def _open(self) -> grpc.aio.Channel:
        if self._channel is None:
            self._channel = open_channel(self.connection.address, self._credentials, self.connection.tls_server_name)
        return self._channel

    def _wallet(self) -> wallet_pb2_grpc.WalletServiceStub:
        """The stub on the open channel, made once per channel (making one costs ~5 µs: a callable per method)."""
        if self._stub is None:
            self._stub = wallet_pb2_grpc.WalletServiceStub(self._open())
        return self._stub

    async def aclose(self) -> None:
        self._stub = None
        if self._channel is not None:
            channel, self._channel = self._channel, None
            await channel.close()

    def _metadata(self, request_id: str) -> tuple[tuple[str, str], ...]:
        if self._trace_context is not None:
            return (self._authorization, ("x-request-id", request_id), *self._trace_context())
        return (self._authorization, ("x-request-id", request_id))

    async def _call(self, method: str, request: Message, request_id: str, answer: type[ResponseT]) -> ResponseT:
        rpc = getattr(self._wallet(), method)
        give_up_at = time.monotonic() + self.connection.deadline_seconds
        backoff = FIRST_BACKOFF_SECONDS
        attempt = 1
        while True:
            timeout = min(self.connection.attempt_timeout_seconds, give_up_at - time.monotonic())
            try:
                response = await rpc(request, timeout=max(timeout, 0.001), metadata=self._metadata(request_id))
            except grpc.aio.AioRpcError as rpc_error:
                error = CoreError.from_rpc_error(rpc_error)
                retry = error.nothing_decided and attempt < self.connection.max_attempts
                if not retry or give_up_at - time.monotonic() <= backoff:
                    labelled(CORE_CALLS, self.provider, method, error.reason).inc()
                    raise error from rpc_error
                labelled(CORE_RETRIES, self.provider, method).inc()
                await asyncio.sleep(backoff)
                backoff *= 2
                attempt += 1
                continue
            if not isinstance(response, answer):
                raise TypeError(f"{method} answered {type(response).__name__}, not {answer.__name__}")
            labelled(CORE_CALLS, self.provider, method, "OK").inc()
            return response

    async def get_balance(
        self, request: wallet_pb2.GetBalanceRequest, *, request_id: str
    ) -> wallet_pb2.GetBalanceResponse:
        return await self._call("GetBalance", request, request_id, wallet_pb2.GetBalanceResponse)

    async def debit(self, request: wallet_pb2.DebitRequest, *, request_id: str) -> wallet_pb2.DebitResponse:
        return await self._call("Debit", request, request_id, wallet_pb2.DebitResponse)

    async def credit(self, request: wallet_pb2.CreditRequest, *, request_id: str) -> wallet_pb2.CreditResponse:
        return await self._call("Credit", request, request_id, wallet_pb2.CreditResponse)

    async def credit_batch(
        self, request: wallet_pb2.CreditBatchRequest, *, request_id: str
    ) -> wallet_pb2.CreditBatchResponse:
        return await self._call("CreditBatch", request, request_id, wallet_pb2.CreditBatchResponse)

    async def rollback(self, request: wallet_pb2.RollbackRequest, *, request_id: str) -> wallet_pb2.RollbackResponse:
        return await self._call("Rollback", request, request_id, wallet_pb2.RollbackResponse)

    async def get_transaction(
        self, request: wallet_pb2.GetTransactionRequest, *, request_id: str
    ) -> wallet_pb2.GetTransactionResponse:
        return await self._call("GetTransaction", request, request_id, wallet_pb2.GetTransactionResponse)

    async def list_stale_bets(
        self, request: wallet_pb2.ListStaleBetsRequest, *, request_id: str
    ) -> wallet_pb2.ListStaleBetsResponse:
        return await self._call("ListStaleBets", request, request_id, wallet_pb2.ListStaleBetsResponse)

    async def record_reconciliation(
        self, request: wallet_pb2.RecordReconciliationRequest, *, request_id: str
    ) -> wallet_pb2.RecordReconciliationResponse:
        return await self._call("RecordReconciliation", request, request_id, wallet_pb2.RecordReconciliationResponse)

    async def answers(self, *, request_id: str) -> bool:
        """Whether the core answers at all (for /healthz): any answer but UNAVAILABLE, DEADLINE_EXCEEDED
        or a NOT_SERVING health status counts, so a core without the gRPC health service still passes."""
        stub = health_pb2_grpc.HealthStub(self._open())
        try:
            response = await stub.Check(
                health_pb2.HealthCheckRequest(),
                timeout=self.connection.attempt_timeout_seconds,
                metadata=self._metadata(request_id),
            )
        except grpc.aio.AioRpcError as rpc_error:
            return not CoreError.from_rpc_error(rpc_error).nothing_decided
        return bool(response.status == health_pb2.HealthCheckResponse.SERVING)
