"""A gateway's spans, installed only when `[gateways.<name>.tracing]` is on (telemetry.tracing).

- each provider request: a server span (`ServerSpanMiddleware`, outermost), named by its method and
  path, the child of a `traceparent` header when a proxy sends one, carrying what the gateway learnt
  about the request (its RequestRecord: provider, endpoint, transaction id, outcome, code, reason,
  replay, request id) and never a secret: no body, no header, no query string (AIGame's detail query
  carries its `sign`);
- each core call carries the request span's W3C `traceparent` in its metadata, sampled or not, so
  that the core's span joins the trace and the core keeps the gateway's decision.

Not opentelemetry-instrumentation-asgi's middleware, nor -grpc's client interceptors: the ASGI
middleware gathers its attributes, wraps receive and send and starts its metrics before the sampler
has decided, about 60 µs of a gateway's 400 µs a request when one request in a hundred is recorded;
the interceptors send every call through Python code of their own. Here a request that is not
sampled costs the sampler and a context switch (docs/performance.md, "Tracing: its cost").
"""

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import Span, SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateways.kit.record import RECORD_KEY, RequestRecord

NOT_TRACED = frozenset({"/healthz", "/metrics"})
"""Probes and scrapes: frequent, and about nothing a provider asked."""
_PROPAGATOR = TraceContextTextMapPropagator()
_W3C = frozenset({b"traceparent", b"tracestate"})


class ServerSpanMiddleware:
    """The outermost middleware: one server span per provider request."""

    def __init__(self, app: ASGIApp, tracer: TracerProvider) -> None:
        self.app = app
        self._tracer = tracer.get_tracer(__name__)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in NOT_TRACED:
            await self.app(scope, receive, send)
            return
        carrier = {key.decode("latin-1"): value.decode("latin-1") for key, value in scope["headers"] if key in _W3C}
        span = self._tracer.start_span(
            f"{scope['method']} {scope['path']}",
            context=_PROPAGATOR.extract(carrier) if carrier else None,
            kind=SpanKind.SERVER,
        )
        token = otel_context.attach(trace.set_span_in_context(span))
        try:
            if not span.is_recording():  # not sampled: current only so that the core call says so
                await self.app(scope, receive, send)
                return
            _request_attributes(span, scope)
            await self.app(scope, receive, _annotating(span, scope, send))
        except BaseException as error:
            if span.is_recording():
                span.record_exception(error)
                span.set_status(Status(StatusCode.ERROR, type(error).__name__))
            raise
        finally:
            otel_context.detach(token)
            span.end()


def _request_attributes(span: Span, scope: Scope) -> None:
    client = scope.get("client")
    span.set_attribute("http.request.method", scope["method"])
    span.set_attribute("url.path", scope["path"])  # never the query string: it may carry a signature
    span.set_attribute("url.scheme", scope.get("scheme", "http"))
    if client:
        span.set_attribute("client.address", client[0])


def _annotating(span: Span, scope: Scope, send: Send) -> Send:
    """`send`, putting the status and the RequestRecord on the span as the answer starts (the
    endpoint has filled the record in by then)."""

    async def send_annotated(message: Message) -> None:
        if message["type"] == "http.response.start":
            span.set_attribute("http.response.status_code", message["status"])
            if message["status"] >= 500:
                span.set_status(Status(StatusCode.ERROR))
            record = scope.get("state", {}).get(RECORD_KEY)
            if isinstance(record, RequestRecord):
                annotate(span, record)
        await send(message)

    return send_annotated


def annotate(span: Span, record: RequestRecord) -> None:
    span.set_attribute("wallet.provider", record.provider)
    span.set_attribute("wallet.request_id", record.request_id)
    if record.endpoint is None:
        return
    span.set_attribute("wallet.endpoint", record.endpoint)
    span.set_attribute("wallet.outcome", "success" if record.reason is None and record.code is not None else "failure")
    for name, value in (
        ("transaction_id", record.transaction_id),
        ("code", record.code),
        ("reason", record.reason),
        ("replay", record.replay),
    ):
        if value is not None:
            span.set_attribute(f"wallet.{name}", value)


def trace_context() -> list[tuple[str, str]]:
    """The current span's `traceparent` (and `tracestate`) as gRPC metadata; none outside a span."""
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier)
    return list(carrier.items())
