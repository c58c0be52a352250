"""OpenTelemetry tracing: its settings (``[core.tracing]``, ``[gateways.<name>.tracing]``) and the
tracer provider they make.

Off by default, and then nothing is built: no provider, no exporter, no instrumentation, and the
OpenTelemetry SDK is not even imported (it is imported here only once a provider is asked for).
On, spans are sampled parent-based with a trace-id ratio (a gateway decides for the whole trace:
the core follows the `traceparent` it is sent) and exported in batches over OTLP, configured by the
standard ``OTEL_EXPORTER_OTLP_*`` variables (``OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`` or
``OTEL_EXPORTER_OTLP_PROTOCOL``: ``grpc``, the default, or ``http/protobuf``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter

DEFAULT_SAMPLE_RATIO = 0.01
"""One request in a hundred: enough to follow a slow kind of request, at a cost the bench measures
(docs/performance.md, "Tracing: its cost")."""
KEYS = frozenset({"enabled", "sample_ratio", "sql"})


class TracingConfigError(ValueError):
    """A tracing setting is unknown or out of range; the message names it."""


@dataclass(frozen=True)
class TracingSettings:
    enabled: bool = False
    sample_ratio: float = DEFAULT_SAMPLE_RATIO
    """The share of new traces recorded, 0 to 1; a call that arrives with a trace keeps its decision."""
    sql: bool = True
    """The core only: a span per SQL statement and per fast-path write (off: the core's span alone)."""

    @classmethod
    def from_mapping(cls, data: object, where: str) -> TracingSettings:
        """From a ``tracing`` table (``where`` names it in errors, e.g. ``[core.tracing]``)."""
        if not isinstance(data, Mapping):
            raise TracingConfigError(f"{where} must be a table")
        unknown = set(data) - KEYS
        if unknown:
            raise TracingConfigError(f"{where} has unknown keys: {', '.join(sorted(unknown))}")
        enabled, sql = data.get("enabled", False), data.get("sql", True)
        if not isinstance(enabled, bool) or not isinstance(sql, bool):
            raise TracingConfigError(f"{where} enabled and sql must be true or false")
        ratio = data.get("sample_ratio", DEFAULT_SAMPLE_RATIO)
        if isinstance(ratio, bool) or not isinstance(ratio, int | float) or not 0 <= ratio <= 1:
            raise TracingConfigError(f"{where} sample_ratio must be a number from 0 to 1 (0.01: one trace in 100)")
        return cls(enabled=enabled, sample_ratio=float(ratio), sql=sql)


def tracer_provider(
    settings: TracingSettings, service_name: str, exporter: SpanExporter | None = None
) -> TracerProvider | None:
    """The provider ``settings`` ask for (None when tracing is off), exporting to ``exporter``
    (a test's in-memory one) or else over OTLP in batches. Its owner shuts it down (a last flush)."""
    if not settings.enabled:
        return None
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor
    from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased

    # OTEL_SERVICE_NAME, when set, names the process instead (Resource.create reads it).
    attributes = {} if os.environ.get("OTEL_SERVICE_NAME") else {SERVICE_NAME: service_name}
    provider = TracerProvider(
        sampler=ParentBased(TraceIdRatioBased(settings.sample_ratio)), resource=Resource.create(attributes)
    )
    if exporter is not None:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    else:
        provider.add_span_processor(BatchSpanProcessor(otlp_exporter()))
    return provider


def otlp_exporter() -> SpanExporter:
    """The OTLP exporter the standard variables choose (endpoint, headers, TLS, timeout: its own)."""
    protocol = os.environ.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") or os.environ.get(
        "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"
    )
    if protocol == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter()
    if protocol == "http/protobuf":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import (
            OTLPSpanExporter as HttpSpanExporter,
        )

        return HttpSpanExporter()
    raise TracingConfigError(f"OTLP protocol {protocol!r}: this wallet exports traces over grpc or http/protobuf")
