"""The core's spans, installed by ``server.start`` only when ``[core.tracing]`` is on.

- every gRPC call: a server span (opentelemetry-instrumentation-grpc's aio interceptor), the child
  of the caller's span when the call carries a W3C ``traceparent``; ``annotate_call`` adds the
  ledger's decision to it (provider, transaction id, outcome, replay, request id; never a token);
- the store, when ``sql`` is on: a span per statement run through SQLAlchemy (the general path, the
  reads; opentelemetry-instrumentation-sqlalchemy's engine listeners, statements without their
  values), and a span per fast-path write (``TracedFastPath``). The fast paths run their SQL
  outside SQLAlchemy, batched: one PostgreSQL function call or one SQLite transaction serves the
  calls of many traces at once, so a request's span covers its wait for the batch and the batch,
  with what the fast path decided for it, and no span claims the shared statement.

Off, none of this is imported: the service, the ledger and the fast paths run as they always did.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime
from typing import Any, TypeVar

import grpc
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.instrumentation.grpc import aio_server_interceptor
from opentelemetry.instrumentation.grpc.filters import service_name
from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
from opentelemetry.instrumentation.sqlalchemy.version import __version__ as sqlalchemy_instrumentation_version
from opentelemetry.metrics import NoOpMeterProvider
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import SpanKind, Tracer
from sqlalchemy.ext.asyncio import AsyncEngine

from wallet_core.domain import Bet, MoneyRequest
from wallet_core.store.fast_path import FastPath, FastPathFailed, Refused, UniqueKeyTaken, Written

T = TypeVar("T")

WALLET_SERVICE = "wallet.v1.WalletService"
MAX_ATTRIBUTE = 160
"""How much of a caller's id a span keeps (as a refusal echoes it: service.MAX_ECHO)."""


def server_interceptors(provider: TracerProvider) -> list[grpc.aio.ServerInterceptor]:
    """The interceptor that opens each call's server span, following the caller's ``traceparent``.

    The wallet's service only: the health service's handlers are not coroutines (it is built
    ``experimental_non_blocking``), and the interceptor awaits every handler it wraps (every health
    check failed with a TypeError); a probe is not worth a span either."""
    interceptor: grpc.aio.ServerInterceptor = aio_server_interceptor(  # type: ignore[no-untyped-call]
        tracer_provider=provider, filter_=service_name(WALLET_SERVICE)
    )
    return [interceptor]


def trace_sql(engine: AsyncEngine, provider: TracerProvider) -> None:
    """A span per statement ``engine`` runs (the statement's text, never its bound values).

    The instrumentor's per-engine tracer is used rather than ``SQLAlchemyInstrumentor().instrument``,
    which may run once per process (a process may hold several engines: tests, ``wallet up``) and
    patches ``create_engine`` everywhere; its connection-usage metric goes to a no-op meter."""
    tracer = provider.get_tracer("opentelemetry.instrumentation.sqlalchemy", sqlalchemy_instrumentation_version)
    usage = NoOpMeterProvider().get_meter(__name__).create_up_down_counter("db.client.connections.usage")
    EngineTracer(_InARecordedCall(tracer), engine.sync_engine, usage, enable_commenter=False)  # type: ignore[no-untyped-call]


class _InARecordedCall(Tracer):
    """Statements are spans only inside a call's recorded span: the core's own statements (at start,
    a sample saved) are no trace of a request, and a call that is not sampled skips the sampler."""

    def __init__(self, inner: Tracer) -> None:
        self._inner = inner

    def start_span(self, name: str, context: Context | None = None, *args: Any, **kwargs: Any) -> trace.Span:
        if not trace.get_current_span(context).is_recording():
            return trace.INVALID_SPAN
        return self._inner.start_span(name, context, *args, **kwargs)

    def start_as_current_span(self, *args: Any, **kwargs: Any) -> Any:
        return self._inner.start_as_current_span(*args, **kwargs)


class TracedFastPath:
    """A fast path whose every write is a span ``fast_path debit|payout``, with what it decided:
    ``written``, ``refused`` (stored as refused), ``general_path`` (not the usual case),
    ``key_taken`` (a replay, a conflict or a tombstone) or ``failed`` (the general path decides)."""

    def __init__(self, inner: FastPath, provider: TracerProvider, db_system: str) -> None:
        self._inner = inner
        self._tracer: Tracer = provider.get_tracer(__name__)
        self._db_system = db_system

    async def debit(self, request: MoneyRequest, created_at: datetime) -> tuple[Written, Bet] | Refused | None:
        if not trace.get_current_span().is_recording():  # a call not sampled: nothing to add to
            return await self._inner.debit(request, created_at)
        with self._span("debit", request) as span:
            result = await self._decided(span, self._inner.debit(request, created_at))
            if isinstance(result, Refused):
                span.set_attribute("wallet.fast_path.result", "refused")
            return result

    async def payout(self, request: MoneyRequest, created_at: datetime) -> tuple[Written, Bet] | None:
        if not trace.get_current_span().is_recording():
            return await self._inner.payout(request, created_at)
        with self._span("payout", request) as span:
            return await self._decided(span, self._inner.payout(request, created_at))

    async def close(self) -> None:
        await self._inner.close()

    def _span(self, kind: str, request: MoneyRequest) -> Any:
        return self._tracer.start_as_current_span(
            f"fast_path {kind}",
            kind=SpanKind.CLIENT,
            attributes={
                "db.system": self._db_system,
                "wallet.provider": request.provider,
                "wallet.transaction_id": request.transaction_id[:MAX_ATTRIBUTE],
            },
            record_exception=False,
            set_status_on_exception=False,
        )

    @staticmethod
    async def _decided(span: trace.Span, write: Awaitable[T]) -> T:
        try:
            result = await write
        except UniqueKeyTaken:
            span.set_attribute("wallet.fast_path.result", "key_taken")
            raise
        except FastPathFailed as failed:
            span.set_attribute("wallet.fast_path.result", "failed")
            span.record_exception(failed)
            raise
        span.set_attribute("wallet.fast_path.result", "general_path" if result is None else "written")
        return result


def annotate_call(method: str, outcome: str, request: object, response: object | None, request_id: str) -> None:
    """The ledger's decision on the call's server span: ``wallet.outcome`` is ``OK`` or the refusal's
    reason (as the call's log line and metrics say), ``wallet.replay`` whether a repeat was answered."""
    span = trace.get_current_span()
    if not span.is_recording():
        return
    span.set_attribute("wallet.method", method)
    span.set_attribute("wallet.outcome", outcome)
    for name in ("provider", "transaction_id"):
        value = getattr(request, name, "")
        if isinstance(value, str) and value:
            span.set_attribute(f"wallet.{name}", value[:MAX_ATTRIBUTE])
    if request_id:
        span.set_attribute("wallet.request_id", request_id[:MAX_ATTRIBUTE])
    replay = getattr(response, "replay", None)
    if isinstance(replay, bool):
        span.set_attribute("wallet.replay", replay)
