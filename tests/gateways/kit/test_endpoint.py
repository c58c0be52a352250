import logging
from collections.abc import AsyncIterator

import httpx
import pytest

from gateways.kit.core_client import CoreClient
from gateways.kit.core_connection import CoreConnection
from gateways.kit.endpoint import dialect_endpoint
from gateways.kit.ipallow import IpAllowlist
from tests.gateways.kit.sample_gateway import SAMPLE_DIALECT, operation, sample_app
from tests.gateways.kit.scripted_core import dead_address


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    core = CoreClient(CoreConnection(await dead_address(), "token"), provider="kit-sample")
    app = sample_app(core, allowlist=IpAllowlist.from_strings(["203.0.113.0/24"]))
    transport = httpx.ASGITransport(app=app, client=("203.0.113.5", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as http:
        yield http
    await core.aclose()


@pytest.mark.parametrize(("do", "code"), [("answer", "OK"), ("refuse", "S1"), ("core", "S3"), ("crash", "S9")])
async def test_every_outcome_is_answered_in_the_dialect_never_with_a_500(
    client: httpx.AsyncClient, do: str, code: str
) -> None:
    response = await client.post("/op", params={"do": do})
    assert response.status_code == 200
    assert response.json()["code"] == code


async def test_a_crash_is_logged_with_its_traceback(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="gateways.errors"):
        await client.post("/op", params={"do": "crash"}, headers={"x-request-id": "crash-1"})
    (record,) = caplog.records
    assert record.exc_info is not None and "a bug" in str(record.exc_info[1])
    assert record.__dict__["request_id"] == "crash-1"


async def test_a_source_outside_the_allowlist_is_refused_before_the_handler() -> None:
    core = CoreClient(CoreConnection(await dead_address(), "token"), provider="kit-sample")
    app = sample_app(core, allowlist=IpAllowlist.from_strings(["203.0.113.0/24"]))
    transport = httpx.ASGITransport(app=app, client=("192.0.2.1", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as http:
        response = await http.post("/op", params={"do": "crash"})
    assert response.json() == {"code": "S2"}


def test_an_endpoint_must_be_a_column_of_the_code_table() -> None:
    with pytest.raises(ValueError):
        dialect_endpoint("settle", SAMPLE_DIALECT, IpAllowlist(), operation)
