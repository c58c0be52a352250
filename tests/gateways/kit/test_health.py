from collections.abc import AsyncIterator

import httpx
import pytest

from gateways.kit.core_client import CoreClient
from gateways.kit.core_connection import CoreConnection
from tests.gateways.kit.sample_gateway import PROVIDER, sample_app
from tests.gateways.kit.scripted_core import dead_address, scripted_core


@pytest.fixture
async def core() -> AsyncIterator[CoreClient]:
    client = CoreClient(CoreConnection(await dead_address(), "token", deadline_seconds=0.5), provider=PROVIDER)
    yield client
    await client.aclose()


async def test_healthz_reports_whether_the_core_answers(core: CoreClient) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sample_app(core)), base_url="http://g") as http:
        down = await http.get("/healthz")
    assert (down.status_code, down.json()) == (503, {"status": "unavailable", "provider": PROVIDER, "core": "down"})
    async with scripted_core() as running:
        up_core = CoreClient(CoreConnection(running.address, "token"), provider=PROVIDER)
        app = sample_app(up_core)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://g") as http:
            up = await http.get("/healthz")
        await up_core.aclose()
    assert (up.status_code, up.json()) == (200, {"status": "ok", "provider": PROVIDER, "core": "up"})
