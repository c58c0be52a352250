"""The app as the `wallet` command builds it, its routes, and what it adds around them."""

from __future__ import annotations

import importlib
from decimal import Decimal

import httpx

from tests.gateways.sud.conftest import NOTIFY, SUD_IP, UPDATE_SCORE, Sud, settings_mapping
from tests.gateways.sud.vendor import Vendor, new_id
from tests.support.core import CoreHandle


async def test_the_cli_builds_it_from_its_section(core: CoreHandle) -> None:
    module = importlib.import_module("gateways.sud")
    assert sorted(module.__all__) == ["Settings", "create_app"]
    settings = module.Settings.from_mapping(settings_mapping(core.address, core.token_for("sud")))
    app = module.create_app(settings)  # with its own core client, closed at shutdown
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=(SUD_IP, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            sud = Sud(app, client, core, Vendor(), settings)
            alice = await sud.player()
            buy_in = new_id()
            await sud.buy_in(alice, buy_in, "10.00")
            assert await sud.notify(sud.vendor.order_changed(alice, buy_in)) == {"ret_code": 0, "ret_msg": "SUCCESS"}
            assert await sud.balance_of(alice) == Decimal("100.00")


async def test_routes(sud: Sud) -> None:
    paths = {getattr(route, "path", None) for route in sud.app.routes}
    assert {NOTIFY, UPDATE_SCORE, "/healthz", "/metrics"} <= paths
    assert (await sud.client.get(NOTIFY)).status_code == 405
    assert (await sud.client.post("/sud/v1/elsewhere", content=b"{}")).status_code == 404


async def test_health_says_the_core_answers(sud: Sud) -> None:
    response = await sud.client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok", "provider": "sud", "core": "up"})


async def test_answers_carry_a_request_id(sud: Sud) -> None:
    response = await sud.client.post(NOTIFY, content=b"{}", headers={"x-request-id": "req-42"})
    assert response.headers["x-request-id"] == "req-42"
    assert response.json()["ret_code"] == 1003
