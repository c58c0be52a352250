"""One AIGame payout is one trace: the gateway's span, its core call, the core's span with the
ledger's decision, and the store's spans; with the provider, endpoint, transaction id and outcome,
and no secret. Off, nothing is installed (tests/telemetry/test_tracing.py: nothing imported)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any, cast

import httpx
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from gateways.aigame import PROVIDER, Settings, create_app
from gateways.kit.core_client import CoreClient
from gateways.kit.tracing import ServerSpanMiddleware
from telemetry.tracing import TracingSettings, tracer_provider
from tests.gateways.aigame.conftest import AIGAME_IP, AIGame, new_id, settings_mapping
from tests.gateways.aigame.vendor import SECRET, Vendor
from tests.support.core import ADMIN_TOKEN, running_core, token_for
from tests.support.spans import finished_with

EVERY_REQUEST = TracingSettings(enabled=True, sample_ratio=1.0)


@asynccontextmanager
async def traced_aigame(
    database_url: str, settings: TracingSettings = EVERY_REQUEST
) -> AsyncIterator[tuple[AIGame, InMemorySpanExporter]]:
    """A traced AIGame gateway in front of a traced core, both exporting to one in-memory list."""
    spans = InMemorySpanExporter()
    core_tracer = tracer_provider(settings, "wallet-core", spans)
    gateway_tracer = tracer_provider(settings, "wallet-gateway-aigame", spans)
    assert core_tracer is not None and gateway_tracer is not None
    async with running_core(database_url, core_tracer, settings) as core:
        gateway = Settings.from_mapping(settings_mapping(core.address, token_for(PROVIDER)))
        client = CoreClient(gateway.core, provider=PROVIDER, tracer=gateway_tracer)
        app = create_app(gateway, client, tracer=gateway_tracer)
        transport = httpx.ASGITransport(app=app, client=(AIGAME_IP, 40000))
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as http:
                yield AIGame(http, core, Vendor(), gateway), spans
        finally:
            await client.aclose()
            gateway_tracer.shutdown()


def one(spans: Sequence[ReadableSpan], name: str, kind: SpanKind) -> ReadableSpan:
    found = [span for span in spans if span.name == name and span.kind == kind]
    assert len(found) == 1, [(span.name, span.kind) for span in spans]
    return found[0]


def attributes(span: ReadableSpan) -> Mapping[str, Any]:
    assert span.attributes is not None
    return span.attributes


def every_value(spans: Sequence[ReadableSpan]) -> str:
    """Every attribute and event of every span, as one text to search for what must not be there."""
    texts: list[str] = []
    for span in spans:
        texts.extend(f"{key}={value!s}" for key, value in (span.attributes or {}).items())
        for event in span.events:
            texts.extend(f"{key}={value!s}" for key, value in (event.attributes or {}).items())
        texts.extend(f"{key}={value!s}" for key, value in span.resource.attributes.items())
    return "\n".join(texts)


async def test_an_aigame_payout_is_one_trace_from_the_gateway_to_the_store(database_url: str) -> None:
    async with traced_aigame(database_url) as (aigame, spans):
        user = await aigame.player("100.00")
        bet = new_id()
        assert await aigame.code("bet", aigame.vendor.bet(user, bet, "10")) == 200
        spans.clear()
        payout = aigame.vendor.payout(user, bet, "19.50")
        assert (await aigame.post("payout", payout))["data"]["balance"] == "109.50"
        finished = spans.get_finished_spans()

    gateway = one(finished, "POST /aigame/v1/wallet/payout", SpanKind.SERVER)
    core = one(finished, "/wallet.v1.WalletService/Credit", SpanKind.SERVER)
    assert {span.context.trace_id for span in finished} == {gateway.context.trace_id}
    assert core.parent is not None and core.parent.span_id == gateway.context.span_id and core.parent.is_remote
    assert gateway.resource.attributes["service.name"] == "wallet-gateway-aigame"
    assert core.resource.attributes["service.name"] == "wallet-core"
    assert {
        key: attributes(gateway)[key]
        for key in ("wallet.provider", "wallet.endpoint", "wallet.transaction_id", "wallet.outcome", "wallet.code")
    } == {
        "wallet.provider": "aigame",
        "wallet.endpoint": "payout",
        "wallet.transaction_id": bet,
        "wallet.outcome": "success",
        "wallet.code": "200",
    }
    assert {key: attributes(core)[key] for key in ("wallet.provider", "wallet.transaction_id", "wallet.outcome")} == {
        "wallet.provider": "aigame",
        "wallet.transaction_id": bet,
        "wallet.outcome": "OK",
    }
    assert attributes(core)["wallet.replay"] is False
    assert attributes(core)["wallet.request_id"] == attributes(gateway)["wallet.request_id"]
    # The store, under the core's span: the fast path's write of this payout, and any SQL it ran.
    store = [span for span in finished if span.parent is not None and span.parent.span_id == core.context.span_id]
    written = one(store, "fast_path payout", SpanKind.CLIENT)
    assert attributes(written)["wallet.fast_path.result"] == "written"
    assert attributes(written)["db.system"] in {"sqlite", "postgresql"}
    seen = every_value(finished)
    for secret in (SECRET, token_for(PROVIDER), ADMIN_TOKEN, str(payout["sign"]), "Bearer"):
        assert secret not in seen


async def test_the_core_span_carries_a_refusal_and_the_sql_of_the_general_path(database_url: str) -> None:
    async with traced_aigame(database_url) as (aigame, spans):
        user = await aigame.player("5.00")
        bet = new_id()
        spans.clear()
        assert await aigame.code("payout", aigame.vendor.payout(user, bet, "1.00")) != 200  # no such bet
        finished = await finished_with(spans, "POST /aigame/v1/wallet/payout", "/wallet.v1.WalletService/Credit")
    gateway = one(finished, "POST /aigame/v1/wallet/payout", SpanKind.SERVER)
    core = one(finished, "/wallet.v1.WalletService/Credit", SpanKind.SERVER)
    assert (attributes(gateway)["wallet.outcome"], attributes(gateway)["wallet.reason"]) == (
        "failure",
        "TRANSACTION_NOT_FOUND",
    )
    assert attributes(core)["wallet.outcome"] == "TRANSACTION_NOT_FOUND"
    # The general path decided it: its statements are spans of the same trace.
    sql = [span for span in finished if span.attributes and "db.statement" in span.attributes]
    assert sql and {span.context.trace_id for span in sql} == {core.context.trace_id}


async def test_traced_the_core_still_answers_its_health_checks_untraced(database_url: str) -> None:
    async with traced_aigame(database_url) as (aigame, spans):
        assert (await aigame.client.get("/healthz")).status_code == 200
        assert spans.get_finished_spans() == ()


async def test_the_detail_query_keeps_its_signature_out_of_the_span(database_url: str) -> None:
    async with traced_aigame(database_url) as (aigame, spans):
        query = aigame.vendor.detail(new_id())
        await aigame.detail(query)
        finished = spans.get_finished_spans()
    one(finished, "GET /api/game/transaction/detail", SpanKind.SERVER)
    assert query["sign"] not in every_value(finished)


async def test_without_sql_the_core_span_has_no_store_spans(database_url: str) -> None:
    async with traced_aigame(database_url, TracingSettings(enabled=True, sample_ratio=1.0, sql=False)) as (
        aigame,
        spans,
    ):
        user = await aigame.player("100.00")
        spans.clear()
        assert await aigame.code("bet", aigame.vendor.bet(user, new_id(), "10")) == 200
        finished = spans.get_finished_spans()
    assert sorted(span.name for span in finished) == sorted(
        ["POST /aigame/v1/wallet/bet", "/wallet.v1.WalletService/Debit"]
    )


async def test_at_ratio_zero_a_payout_records_no_span(database_url: str) -> None:
    async with traced_aigame(database_url, TracingSettings(enabled=True, sample_ratio=0.0)) as (aigame, spans):
        user = await aigame.player("100.00")
        assert await aigame.code("bet", aigame.vendor.bet(user, new_id(), "10")) == 200
        assert spans.get_finished_spans() == ()


async def test_off_the_gateway_installs_no_middleware(database_url: str) -> None:
    async with running_core(database_url) as core:
        gateway = Settings.from_mapping(settings_mapping(core.address, token_for(PROVIDER)))
        app = create_app(gateway)
        assert not any(cast(Any, middleware.cls) is ServerSpanMiddleware for middleware in app.user_middleware)
