"""The core's call spans: the caller's `traceparent` is followed, its decision kept, and a call
without one is sampled at the core's own ratio; a refusal is the span's outcome, not an error."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import grpc
import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from telemetry.tracing import TracingSettings, tracer_provider
from tests.support.core import CoreHandle, bearer, running_core, token_for
from tests.support.spans import finished_with
from wallet.v1 import wallet_pb2 as pb
from wallet_core.tracing import _sampled

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_ID = "00f067aa0ba902b7"


@asynccontextmanager
async def traced_core(database_url: str, ratio: float = 1.0) -> AsyncIterator[tuple[CoreHandle, InMemorySpanExporter]]:
    spans = InMemorySpanExporter()
    settings = TracingSettings(enabled=True, sample_ratio=ratio, sql=False)
    async with running_core(database_url, tracer_provider(settings, "wallet-core", spans), settings) as core:
        yield core, spans


async def debit(core: CoreHandle, transaction_id: str, *metadata: tuple[str, str], amount: str = "1.00") -> None:
    await core.stub.Debit(
        pb.DebitRequest(provider="tests", transaction_id=transaction_id, player_id="p1", currency="USD", amount=amount),
        metadata=(*bearer(token_for("tests")), *metadata),
    )


async def test_a_sampled_traceparent_makes_the_call_its_child(database_url: str) -> None:
    async with traced_core(database_url, ratio=0.0) as (core, spans):
        await core.open_account("p1", "USD", "10.00")
        await debit(core, "t1", ("traceparent", f"00-{TRACE_ID}-{PARENT_ID}-01"), ("x-request-id", "r-1"))
        (span,) = spans.get_finished_spans()
    assert (span.name, span.kind) == ("/wallet.v1.WalletService/Debit", SpanKind.SERVER)
    assert f"{span.context.trace_id:032x}" == TRACE_ID
    assert span.parent is not None and f"{span.parent.span_id:016x}" == PARENT_ID
    assert span.attributes is not None
    assert dict(span.attributes) == {
        "rpc.system": "grpc",
        "rpc.service": "wallet.v1.WalletService",
        "rpc.method": "Debit",
        "wallet.outcome": "OK",
        "wallet.provider": "tests",
        "wallet.transaction_id": "t1",
        "wallet.request_id": "r-1",
        "wallet.replay": False,
    }


async def test_an_unsampled_traceparent_records_nothing_and_no_traceparent_samples_at_the_ratio(
    database_url: str,
) -> None:
    async with traced_core(database_url, ratio=1.0) as (core, spans):
        await core.open_account("p1", "USD", "10.00")
        spans.clear()
        await debit(core, "t1", ("traceparent", f"00-{TRACE_ID}-{PARENT_ID}-00"))
        assert spans.get_finished_spans() == ()
        await debit(core, "t2")
        (root,) = spans.get_finished_spans()
    assert root.parent is None


async def test_a_refusal_is_the_spans_outcome_not_an_error(database_url: str) -> None:
    async with traced_core(database_url) as (core, spans):
        await core.open_account("p1", "USD", "1.00")
        spans.clear()
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await debit(core, "t1", amount="5.00")
        assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
        (span,) = await finished_with(spans, "/wallet.v1.WalletService/Debit")
    assert span.attributes is not None and span.attributes["wallet.outcome"] == "INSUFFICIENT_FUNDS"
    assert span.status.status_code is not StatusCode.ERROR
    assert not span.events


def test_the_sampled_flag_is_read_from_the_traceparent() -> None:
    assert _sampled(f"00-{TRACE_ID}-{PARENT_ID}-01")
    assert _sampled(f"00-{TRACE_ID}-{PARENT_ID}-03")
    assert not _sampled(f"00-{TRACE_ID}-{PARENT_ID}-00")
    assert _sampled("nonsense-zz")  # the propagator ignores it: the call is a root, sampled at the ratio
