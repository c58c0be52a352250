"""Sign-in, roles and CSRF, over HTTP against a real core."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import httpx
import pytest

from tests.support.core import CoreHandle
from tests.support.reconciling import Reconciling
from tests.wallet_console.conftest import csrf_of, reconciled, sign_in
from wallet_console import Settings, create_app, passwords
from wallet_reconcile.aigame import AIGameQuery


async def test_pages_send_a_stranger_to_the_sign_in(client: httpx.AsyncClient) -> None:
    for path in ("/", "/players/demo1", "/held", "/figures", "/stale"):
        answer = await client.get(path)
        assert answer.status_code == 303
        assert answer.headers["location"] == f"/signin?next={path}"


async def test_sign_in_with_the_right_password_only(client: httpx.AsyncClient) -> None:
    form = await client.get("/signin")
    token = csrf_of(form.text)
    wrong = await client.post("/signin", data={"csrf_token": token, "name": "ann", "password": "nope"})
    assert wrong.status_code == 401 and "Wrong name or password." in wrong.text
    unknown = await client.post("/signin", data={"csrf_token": token, "name": "bob", "password": "nope"})
    assert unknown.status_code == 401 and "Wrong name or password." in unknown.text
    assert (await client.get("/")).status_code == 303
    answer = await sign_in(client, "ann")
    assert (answer.status_code, answer.headers["location"]) == (303, "/")
    home = await client.get("/")
    assert home.status_code == 200 and "ann (support)" in home.text


async def test_a_name_past_its_sign_in_attempts_is_refused_without_a_password_check(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = csrf_of((await client.get("/signin")).text)
    for _ in range(5):  # the default: 5 per 15 minutes
        wrong = await client.post("/signin", data={"csrf_token": token, "name": "ann", "password": "guess"})
        assert wrong.status_code == 401
    checked: list[str] = []
    verify = passwords.verify

    def counted(stored: str | None, given: str) -> bool:
        checked.append(given)
        return verify(stored, given)

    monkeypatch.setattr(passwords, "verify", counted)
    right = await client.post("/signin", data={"csrf_token": token, "name": "ann", "password": "ann-password"})
    assert right.status_code == 429
    assert "Too many sign-in attempts: try again in 15 minutes." in right.text
    assert 890 <= int(right.headers["retry-after"]) <= 900
    assert checked == [] and (await client.get("/")).status_code == 303
    assert (await sign_in(client, "fin")).status_code == 303  # another name from the same address
    assert checked == ["fin-password"]


async def test_attempts_count_against_the_address_a_trusted_proxy_forwards(settings: Settings) -> None:
    behind = replace(settings, signin_attempts_per_address="2 per minute", trusted_proxies=("127.0.0.1",))
    app = create_app(behind)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://console.test") as client,
    ):
        token = csrf_of((await client.get("/signin")).text)

        async def attempt(name: str, address: str) -> int:
            data = {"csrf_token": token, "name": name, "password": "guess"}
            return (await client.post("/signin", data=data, headers={"x-forwarded-for": address})).status_code

        assert [await attempt(name, "10.0.0.7") for name in ("ann", "fin", "root")] == [401, 401, 429]
        assert await attempt("root", "10.0.0.8") == 401


async def test_the_sign_in_itself_needs_the_csrf_token(client: httpx.AsyncClient) -> None:
    await client.get("/signin")
    answer = await client.post("/signin", data={"name": "ann", "password": "ann-password"})
    assert answer.status_code == 403
    assert (await client.get("/")).status_code == 303


async def test_a_sign_in_goes_back_only_to_a_console_page(client: httpx.AsyncClient) -> None:
    for elsewhere in ("//evil.example/", "/\\evil.example/", "https://evil.example/"):
        form = await client.get("/signin")  # each sign-in gives the session a new token
        data = {"csrf_token": csrf_of(form.text), "name": "ann", "password": "ann-password", "next": elsewhere}
        assert (await client.post("/signin", data=data)).headers["location"] == "/"


async def test_signing_in_gives_a_new_csrf_token_and_signing_out_ends_the_session(client: httpx.AsyncClient) -> None:
    before = csrf_of((await client.get("/signin")).text)
    await sign_in(client, "fin")
    after = csrf_of((await client.get("/")).text)
    assert after != before
    assert (await client.post("/signout", data={"csrf_token": after})).status_code == 303
    assert (await client.get("/")).status_code == 303


async def test_a_post_without_the_csrf_token_is_refused_and_moves_nothing(
    client: httpx.AsyncClient, console_core: CoreHandle, reconciling: Reconciling
) -> None:
    await sign_in(client, "fin")
    user, bet = await reconciling.stuck_bet(1)
    for data in ({"key": f"aigame:{bet}"}, {"key": f"aigame:{bet}", "csrf_token": "forged"}):
        answer = await client.post("/stale/apply", data=data)
        assert answer.status_code == 403
        assert "CSRF" in answer.text
    assert await reconciling.aigame.balance_of(user) == Decimal("90.00")
    assert await reconciled(console_core) == []


async def test_support_may_read_but_not_act(
    client: httpx.AsyncClient, console_core: CoreHandle, reconciling: Reconciling
) -> None:
    await sign_in(client, "ann")
    user, bet = await reconciling.stuck_bet(1)
    page = await client.get("/stale", params={"older_than": "0s"})
    assert page.status_code == 200 and f"aigame:{bet}" in page.text and "pay 19.50 USD" in page.text
    assert "Apply</button>" not in page.text
    answer = await client.post("/stale/apply", data={"key": f"aigame:{bet}", "csrf_token": csrf_of(page.text)})
    assert answer.status_code == 403
    assert "the role support may read but not act" in answer.text
    assert await reconciling.aigame.balance_of(user) == Decimal("90.00")
    assert await reconciled(console_core) == []


async def test_every_answer_carries_the_security_headers(client: httpx.AsyncClient) -> None:
    answer = await client.get("/signin")
    assert answer.headers["x-frame-options"] == "DENY"
    assert "script-src" not in answer.headers["content-security-policy"]
    assert "default-src 'none'" in answer.headers["content-security-policy"]
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie


async def test_the_console_closes_its_reconciler(settings: Settings, reconciling: Reconciling) -> None:
    app = create_app(settings, reconciling.reconciler)
    async with app.router.lifespan_context(app):
        pass
    query = reconciling.reconciler.providers["aigame"].query
    assert isinstance(query, AIGameQuery)
    assert query.records._http.is_closed  # its HTTP client to AIGame, closed with the console
