from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.types import Message

from gateways.kit.core_client import CoreClient
from gateways.kit.core_connection import CoreConnection
from gateways.kit.ipallow import IpAllowlist
from tests.gateways.kit.sample_gateway import PROVIDER, sample_app
from tests.gateways.kit.scripted_core import Scripted, dead_address, scripted_core

ALLOWED = IpAllowlist.from_strings(["203.0.113.7"])
PROXY = "10.0.0.1"


@pytest.fixture
async def core() -> AsyncIterator[CoreClient]:
    client = CoreClient(CoreConnection(await dead_address(), "token", deadline_seconds=0.5), provider=PROVIDER)
    yield client
    await client.aclose()


async def post_from(core: CoreClient, peer: str, forwarded_for: str | None) -> httpx.Response:
    app = sample_app(core, allowlist=ALLOWED, trusted_proxies=(PROXY, "10.1.0.0/16"))
    headers = {} if forwarded_for is None else {"x-forwarded-for": forwarded_for}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(peer, 1)), base_url="http://g") as http:
        return await http.post("/op", headers=headers)


async def test_the_client_address_comes_from_a_trusted_proxy(core: CoreClient) -> None:
    for proxy in (PROXY, "10.1.2.3"):
        response = await post_from(core, proxy, "203.0.113.7")
        assert response.json() == {"code": "OK", "client": "203.0.113.7"}


async def test_an_untrusted_peer_cannot_claim_an_allowed_address(core: CoreClient) -> None:
    response = await post_from(core, "10.0.0.2", "203.0.113.7")
    assert response.json() == {"code": "S2"}
    assert (await post_from(core, "203.0.113.7", None)).json()["code"] == "OK"


async def test_metrics_are_served(core: CoreClient) -> None:
    await post_from(core, "203.0.113.7", None)
    app = sample_app(core)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://g") as http:
        response = await http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert f'gateway_requests_total{{code="OK",endpoint="op",provider="{PROVIDER}",reason=""}}' in response.text


async def test_the_core_client_is_closed_at_shutdown() -> None:
    async with scripted_core() as running:
        await assert_closed_at_shutdown(running)


async def assert_closed_at_shutdown(running: Scripted) -> None:
    core = CoreClient(CoreConnection(running.address, "token"), provider=PROVIDER)
    assert await core.answers(request_id="r")
    assert core._channel is not None
    incoming: list[Message] = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    sent: list[Message] = []

    async def receive() -> Message:
        return incoming.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    await sample_app(core)({"type": "lifespan", "state": {}}, receive, send)
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert core._channel is None
