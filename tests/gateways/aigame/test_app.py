"""The AIGame app as a whole: routes, /healthz, /metrics, the allowlist, proxies, limits and logs."""

import json
import logging
from decimal import Decimal

import httpx
import pytest
from starlette.types import Message

from gateways.aigame import PROVIDER, Settings, create_app
from tests.gateways.aigame.conftest import WALLET, AIGame, new_id, running_aigame, settings_mapping
from tests.gateways.aigame.vendor import SECRET
from tests.gateways.kit.scripted_core import dead_address
from tests.gateways.metric_samples import sample
from tests.support.core import CoreHandle


async def test_healthz_says_the_core_answers(aigame: AIGame) -> None:
    response = await aigame.client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok", "provider": PROVIDER, "core": "up"})


async def test_requests_are_counted_on_metrics(aigame: AIGame) -> None:
    series = {"provider": PROVIDER, "endpoint": "balance", "code": "800101", "reason": "ACCOUNT_NOT_FOUND"}
    before = sample("gateway_requests_total", **series)
    await aigame.post("balance", aigame.vendor.balance("nobody"))
    assert sample("gateway_requests_total", **series) == before + 1
    text = (await aigame.client.get("/metrics")).text
    labels = 'code="800101",endpoint="balance",provider="aigame",reason="ACCOUNT_NOT_FOUND"'
    assert f"gateway_requests_total{{{labels}}}" in text


async def test_every_endpoint_refuses_a_source_outside_the_allowlist(core: CoreHandle) -> None:
    async with running_aigame(core) as aigame:
        user = await aigame.player("100.00")
        bet = new_id()
        assert await aigame.code("bet", aigame.vendor.bet(user, bet, "10")) == 200
    async with running_aigame(core, client_ip="192.0.2.9") as outsider:
        vendor = outsider.vendor
        for endpoint, body in [
            ("balance", vendor.balance(user)),
            ("bet", vendor.bet(user, new_id(), "10")),
            ("payout", vendor.payout(user, bet, "19.50")),
            ("refund", vendor.refund(user, bet, "10")),
        ]:
            assert await outsider.code(endpoint, body) == 408003, endpoint
    assert await aigame.balance_of(user) == Decimal("90.00")


async def test_the_allowed_address_may_come_through_a_trusted_proxy(core: CoreHandle) -> None:
    async with running_aigame(core, client_ip="10.0.0.1", trusted_proxies=["10.0.0.0/8"]) as aigame:
        user = await aigame.player()
        assert await balance_code(aigame, user, forwarded_for="203.0.113.10") == 200
        assert await balance_code(aigame, user, forwarded_for="192.0.2.9") == 408003
    async with running_aigame(core, client_ip="192.0.2.9") as untrusted:
        assert await balance_code(untrusted, user, forwarded_for="203.0.113.10") == 408003


async def balance_code(aigame: AIGame, user: str, *, forwarded_for: str) -> int:
    body = json.dumps(aigame.vendor.balance(user))
    response = await aigame.client.post(f"{WALLET}/balance", content=body, headers={"x-forwarded-for": forwarded_for})
    code: int = response.json()["code"]
    return code


async def test_an_oversized_body_is_408000_and_moves_nothing(core: CoreHandle) -> None:
    async with running_aigame(core, body_limit_bytes=1024) as aigame:
        user = await aigame.player()
        big = aigame.vendor.bet(user, new_id(), "10", bet_detail={"Banker": 10, "note": "x" * 1024})
        assert await aigame.code("bet", big) == 408000
        assert await aigame.balance_of(user) == Decimal("100.00")


async def test_a_core_that_refuses_the_gateways_token_is_a_service_exception(core: CoreHandle) -> None:
    async with running_aigame(core, token="not-a-token") as aigame:
        user = await aigame.player()
        assert await aigame.code("balance", aigame.vendor.balance(user)) == 800100
        assert await aigame.code("bet", aigame.vendor.bet(user, new_id(), "10")) == 800100
    async with running_aigame(core, token=core.token_for("hrg")) as aigame:  # another provider's token
        assert await aigame.code("bet", aigame.vendor.bet(user, new_id(), "10")) == 800100
        assert await aigame.balance_of(user) == Decimal("100.00")


async def test_an_unreachable_core_fails_the_query_and_the_money_calls(core: CoreHandle) -> None:
    address = await dead_address()
    async with running_aigame(core, address=address, deadline_seconds=0.5) as aigame:
        assert await aigame.code("balance", aigame.vendor.balance("u1")) == 800103
        assert await aigame.code("payout", aigame.vendor.payout("u1", new_id(), "1")) == 800100
        response = await aigame.client.get("/healthz")
        assert (response.status_code, response.json()["core"]) == (503, "down")


async def test_each_request_is_logged_with_its_transaction_and_no_secret(
    aigame: AIGame, caplog: pytest.LogCaptureFixture
) -> None:
    user = await aigame.player()
    bet = new_id()
    body = aigame.vendor.bet(user, bet, "10")
    with caplog.at_level(logging.INFO, logger="gateways"):
        await aigame.client.post(f"{WALLET}/bet", json=body, headers={"x-request-id": "req-42"})
    (line,) = [r.__dict__ for r in caplog.records if r.name == "gateways.access"]
    assert {k: line[k] for k in ("request_id", "provider", "endpoint", "transaction_id", "outcome", "code")} == {
        "request_id": "req-42",
        "provider": PROVIDER,
        "endpoint": "bet",
        "transaction_id": bet,
        "outcome": "success",
        "code": "200",
    }
    assert line["replay"] is False and line["latency_ms"] > 0
    for secret in (SECRET, body["sign"], aigame.settings.core.token):
        assert secret not in caplog.text


async def test_without_a_client_the_app_opens_its_own_and_closes_it_at_shutdown(core: CoreHandle) -> None:
    app = create_app(Settings.from_mapping(settings_mapping(core.address, core.token_for(PROVIDER))))
    incoming: list[Message] = [{"type": "lifespan.startup"}]
    sent: list[Message] = []

    async def receive() -> Message:
        return incoming.pop(0) if incoming else {"type": "lifespan.shutdown"}

    async def send(message: Message) -> None:
        sent.append(message)

    transport = httpx.ASGITransport(app=app, client=("203.0.113.10", 1))
    async with httpx.AsyncClient(transport=transport, base_url="http://g") as http:
        assert (await http.get("/healthz")).json()["core"] == "up"
    await app({"type": "lifespan", "state": {}}, receive, send)
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
