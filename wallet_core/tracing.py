"""The core's spans, installed by ``server.start`` only when ``[core.tracing]`` is on.

- every call of the wallet service: a server span (``CallSpans``, in the service's ``rpc``
  wrapper), the child of the W3C ``traceparent`` the caller sends in the call's metadata, with the
  ledger's decision (provider, transaction id, outcome, replay, request id; never a token). Not
  opentelemetry-instrumentation-grpc's aio server interceptor: it awaited the health service's
  handlers, which are not coroutines (every health check failed), and any interceptor sends every
  call of a grpc.aio server through Python code of its own, sampled or not; this span costs a call
  that is not sampled the sampler, or one look at its metadata when the caller decided "not sampled";
- the store, when ``sql`` is on: a span per statement run through SQLAlchemy (the general path, the
  reads; opentelemetry-instrumentation-sqlalchemy's engine listeners, statements without their
  values), and a span per fast-path write (``TracedFastPath``). The fast paths run their SQL
  outside SQLAlchemy, batched: one PostgreSQL function call or one SQLite transaction serves the
  calls of many traces at once, so a request's span covers its wait for the batch and the batch,
  with what the fast path decided for it, and no span claims the shared statement.

Off, none of this is imported: the service, the ledger and the fast paths run as they always did.
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

from opentelemetry import trace
from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
from opentelemetry.instrumentation.sqlalchemy.version import __version__ as sqlalchemy_instrumentation_version
from opentelemetry.metrics import NoOpMeterProvider
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import SpanKind, Status, StatusCode, Tracer
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from sqlalchemy.ext.asyncio import AsyncEngine

from wallet_core.domain import Bet, Kind, MoneyRequest, Transaction
from wallet_core.service import Metadata
from wallet_core.store.fast_path import FastPath, FastPathFailed, Refused, UniqueKeyTaken, Written

T = TypeVar("T")

WALLET_SERVICE = "wallet.v1.WalletService"
MAX_ATTRIBUTE = 160
_W3C = frozenset({"traceparent", "tracestate"})
_NOTHING_DECIDED = frozenset({"STORE_UNAVAILABLE", "UNKNOWN"})
"""Outcomes that are the core's trouble, not a decision: the span's status is ERROR."""
"""How much of a caller's id a span keeps (as a refusal echoes it: service.MAX_ECHO)."""


class CallSpans:
    """The server span of each wallet call (``service.CallTracing``)."""

    def __init__(self, provider: TracerProvider) -> None:
        self._tracer = provider.get_tracer(__name__)
        self._propagator = TraceContextTextMapPropagator()

    @contextmanager
    def span(self, method: str, metadata: Metadata) -> Iterator[object]:
        carrier = {key: value for key, value in metadata if key in _W3C and isinstance(value, str)}
        parent = carrier.get("traceparent")
        if parent is not None and not _sampled(parent):
            yield None  # the caller decided: not recorded (what the parent-based sampler would say)
            return
        span = self._tracer.start_span(
            f"/{WALLET_SERVICE}/{method}",
            context=self._propagator.extract(carrier) if parent is not None else None,
            kind=SpanKind.SERVER,
            attributes={"rpc.system": "grpc", "rpc.service": WALLET_SERVICE, "rpc.method": method},
        )
        if not span.is_recording():
            yield None
            return
        with trace.use_span(span, end_on_exit=True, record_exception=False, set_status_on_exception=False):
            try:
                yield span
            except BaseException as error:
                if type(error).__name__ != "AbortError":  # a refusal is answered by aborting: no error of ours
                    span.record_exception(error)
                    span.set_status(Status(StatusCode.ERROR, type(error).__name__))
                raise

    def decided(self, method: str, outcome: str, request: object, response: object | None, metadata: Metadata) -> None:
        """The ledger's decision on the call's span: ``wallet.outcome`` is ``OK`` or the refusal's
        reason (as the call's log line and metrics say), ``wallet.replay`` whether a repeat was answered."""
        span = trace.get_current_span()
        if not span.is_recording():
            return
        span.set_attribute("wallet.outcome", outcome)
        if outcome in _NOTHING_DECIDED:
            span.set_status(Status(StatusCode.ERROR, outcome))
        for name in ("provider", "transaction_id"):
            value = getattr(request, name, "")
            if isinstance(value, str) and value:
                span.set_attribute(f"wallet.{name}", value[:MAX_ATTRIBUTE])
        for key, value in metadata:
            if key == "x-request-id" and isinstance(value, str):
                span.set_attribute("wallet.request_id", value[:MAX_ATTRIBUTE])
        replay = getattr(response, "replay", None)
        if isinstance(replay, bool):
            span.set_attribute("wallet.replay", replay)


def _sampled(traceparent: str) -> bool:
    """The W3C flags' sampled bit (a malformed header counts as sampled: the propagator then ignores it)."""
    try:
        return bool(int(traceparent[-2:], 16) & 1)
    except ValueError:
        return True


def trace_sql(engine: AsyncEngine, provider: TracerProvider) -> None:
    """A span per statement ``engine`` runs inside a recorded call (the statement's text, never its
    bound values).

    The instrumentor's per-engine tracer is used rather than ``SQLAlchemyInstrumentor().instrument``,
    which may run once per process (a process may hold several engines: tests, ``wallet up``) and
    patches ``create_engine`` everywhere; its connection-usage metric goes to a no-op meter."""
    tracer = provider.get_tracer("opentelemetry.instrumentation.sqlalchemy", sqlalchemy_instrumentation_version)
    usage = NoOpMeterProvider().get_meter(__name__).create_up_down_counter("db.client.connections.usage")
    _InRecordedCalls(tracer, engine.sync_engine, usage, enable_commenter=False)  # type: ignore[no-untyped-call]


class _InRecordedCalls(EngineTracer):
    """Statements are spans only inside a call's recorded span: the core's own statements (at start,
    a sample saved) are no request's, and a call that is not sampled pays one look at its context,
    not the instrumentation's gathering of attributes. Pool events are not counted (no metrics)."""

    def _before_cur_exec(self, conn: Any, cursor: Any, statement: Any, params: Any, *args: Any) -> Any:
        if not trace.get_current_span().is_recording():
            return statement, params
        return super()._before_cur_exec(conn, cursor, statement, params, *args)  # type: ignore[no-untyped-call]

    def _pool_connect(self, *args: Any) -> None:
        pass

    def _pool_close(self, *args: Any) -> None:
        pass

    def _pool_checkin(self, *args: Any) -> None:
        pass

    def _pool_checkout(self, *args: Any) -> None:
        pass


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

    async def find(self, provider: str, kind: Kind, transaction_id: str) -> Transaction | None:
        return await self._inner.find(provider, kind, transaction_id)

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
