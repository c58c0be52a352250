import logging
from collections.abc import AsyncIterator

import httpx
import pytest

from gateways.kit.core_client import CoreClient
from gateways.kit.core_connection import CoreConnection
from tests.gateways.kit.sample_gateway import PROVIDER, sample_app
from tests.gateways.kit.scripted_core import dead_address
from tests.gateways.metric_samples import sample


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    core = CoreClient(CoreConnection(await dead_address(), "core-token-secret"), provider=PROVIDER)
    transport = httpx.ASGITransport(app=sample_app(core), client=("203.0.113.5", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as http:
        yield http
    await core.aclose()


async def test_a_sane_request_id_is_kept_and_echoed(client: httpx.AsyncClient) -> None:
    response = await client.post("/op", headers={"x-request-id": "abc-123.X:y"})
    assert response.headers["x-request-id"] == "abc-123.X:y"


@pytest.mark.parametrize("given", [None, b"", b"has space", b"x" * 129, "new\u00e9".encode("latin-1")])
async def test_otherwise_a_request_id_is_made(client: httpx.AsyncClient, given: bytes | None) -> None:
    headers = [] if given is None else [(b"x-request-id", given)]
    response = await client.post("/op", headers=headers)
    made = response.headers["x-request-id"]
    assert made.encode() != given and len(made) == 32 and int(made, 16) >= 0


async def test_each_request_is_logged_once_with_its_outcome(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="gateways.access"):
        await client.post("/op", params={"do": "answer", "txn": "bet-1"}, headers={"x-request-id": "r-ok"})
        await client.post("/op", params={"do": "core", "txn": "bet-2"}, headers={"x-request-id": "r-ko"})
    ok, ko = (record.__dict__ for record in caplog.records)
    assert {k: ok[k] for k in ("request_id", "provider", "endpoint", "transaction_id", "outcome", "code")} == {
        "request_id": "r-ok",
        "provider": PROVIDER,
        "endpoint": "op",
        "transaction_id": "bet-1",
        "outcome": "success",
        "code": "OK",
    }
    assert (ok["reason"], ok["replay"], ok["http_status"], ok["client_ip"]) == (None, False, 200, "203.0.113.5")
    assert ok["latency_ms"] >= 0
    assert (ko["outcome"], ko["code"], ko["reason"], ko["detail"]) == (
        "failure",
        "S3",
        "INSUFFICIENT_FUNDS",
        "balance too low",
    )
    assert "core-token-secret" not in caplog.text


async def test_requests_outside_the_dialect_are_not_logged(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="gateways.access"):
        assert (await client.get("/nowhere")).status_code == 404
        await client.get("/metrics")
    assert caplog.records == []


async def test_each_request_is_counted_and_timed(client: httpx.AsyncClient) -> None:
    labels = {"provider": PROVIDER, "endpoint": "op"}
    answered = sample("gateway_requests_total", **labels, code="S1", reason="BAD_SIGNATURE")
    timed = sample("gateway_request_duration_seconds_count", **labels)
    await client.post("/op", params={"do": "refuse"})
    assert sample("gateway_requests_total", **labels, code="S1", reason="BAD_SIGNATURE") == answered + 1
    assert sample("gateway_request_duration_seconds_count", **labels) == timed + 1
