"""A gateway's spans, installed only when `[gateways.<name>.tracing]` is on (telemetry.tracing).

- each HTTP request: a server span (opentelemetry-instrumentation-asgi, outermost), carrying what
  the gateway learnt about the request (its RequestRecord: provider, endpoint, transaction id,
  outcome, code, reason, request id) and never a secret: no body, no query string (AIGame's detail
  query carries its `sign`), and any header an operator asks the instrumentation to capture
  (OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_*) is recorded as "[REDACTED]";
- each core call carries the request span's W3C `traceparent` in its metadata, sampled or not, so
  that the core's span joins the trace and the core keeps the gateway's decision. No client span of
  its own: opentelemetry-instrumentation-grpc's aio client interceptors send every call through
  Python code of their own (the server's cost the core 13 to 58 % of its CPU per Debit), and the
  core's span, one per attempt, says all a client span would.
"""

from opentelemetry import trace
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from opentelemetry.metrics import NoOpMeterProvider
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import Span
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateways.kit.record import RECORD_KEY, RequestRecord

EVERY_HEADER = [".*"]
"""Sanitize every captured header: none is worth a leaked signature or token."""
_PROPAGATOR = TraceContextTextMapPropagator()
NOT_TRACED = "/healthz$,/metrics$"
"""Probes and scrapes: frequent, and about nothing a provider asked."""


def server_span_middleware(tracer: TracerProvider) -> Middleware:
    """The outermost middleware: the request's server span (its own metrics off: the kit counts)."""
    return Middleware(
        OpenTelemetryMiddleware,
        excluded_urls=NOT_TRACED,
        server_request_hook=_hide_query,
        tracer_provider=tracer,
        meter_provider=NoOpMeterProvider(),
        http_capture_headers_sanitize_fields=EVERY_HEADER,
        exclude_spans=["receive", "send"],
    )


def _hide_query(span: Span, scope: Scope) -> None:
    """The request's URL without its query string, which may carry a signature."""
    if not scope.get("query_string") or not span.is_recording():
        return
    attributes = getattr(span, "attributes", None) or {}
    url = attributes.get("http.url")
    if isinstance(url, str):
        span.set_attribute("http.url", url.partition("?")[0])
    if "url.query" in attributes:
        span.set_attribute("url.query", "[REDACTED]")


class RecordSpanMiddleware:
    """Inside ObserveMiddleware: the RequestRecord on the server span as the answer starts (the
    endpoint has filled it in by then; the span ends with the answer's last byte)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_annotated(message: Message) -> None:
            if message["type"] == "http.response.start":
                record = scope.get("state", {}).get(RECORD_KEY)
                span = trace.get_current_span()
                if isinstance(record, RequestRecord) and span.is_recording():
                    annotate(span, record)
            await send(message)

        await self.app(scope, receive, send_annotated)


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
