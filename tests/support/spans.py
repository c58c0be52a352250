"""Waiting for a call's spans: a refusal's status reaches the caller when the core aborts the call,
before the span around it has ended."""

from __future__ import annotations

import asyncio

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


async def finished_with(spans: InMemorySpanExporter, *names: str, seconds: float = 2.0) -> tuple[ReadableSpan, ...]:
    """The spans ended so far, once one of each name in ``names`` is among them (or ``seconds`` passed)."""
    for _ in range(int(seconds / 0.01)):
        found = spans.get_finished_spans()
        if set(names) <= {span.name for span in found}:
            return found
        await asyncio.sleep(0.01)
    return spans.get_finished_spans()
