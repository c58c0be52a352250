"""The console against a real core on loopback (SQLite: the console holds no store logic), with staff
of each role, and an httpx client on the app in the test's own event loop."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from gateways.kit.core_connection import CoreConnection
from tests.support.core import CONSOLE_ACT_TOKEN, CoreHandle, running_core
from tests.wallet_console.fake_reconciler import FakeReconciler
from wallet_console import Settings, create_app
from wallet_console.passwords import hash_password
from wallet_console.settings import Staff
from wallet_core.store.migrate import upgrade

PASSWORDS = {"ann": "ann-password", "fin": "fin-password", "root": "root-password"}
ROLES = {"ann": "support", "fin": "finance", "root": "admin"}
SESSION_SECRET = "test-console-session-secret-0123456789"


@pytest.fixture(scope="session")
def staff() -> dict[str, Staff]:
    return {name: Staff(name, ROLES[name], hash_password(password)) for name, password in PASSWORDS.items()}


@pytest.fixture
async def console_core(tmp_path: Path) -> AsyncIterator[CoreHandle]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'wallet.db'}"
    await upgrade(url)
    async with running_core(url) as core:
        await core.open_account("demo1", "USD", "1000")
        await core.open_account("demo1", "BRL", "1000")
        await core.open_account("demo2", "USD", "1000")
        yield core


@pytest.fixture
def settings(console_core: CoreHandle, staff: dict[str, Staff]) -> Settings:
    return Settings(
        core=CoreConnection(address=console_core.address, token=CONSOLE_ACT_TOKEN),
        session_secret=SESSION_SECRET,
        staff=staff,
    )


@pytest.fixture
def reconciler(console_core: CoreHandle) -> FakeReconciler:
    return FakeReconciler(console_core)


@pytest.fixture
async def client(settings: Settings, reconciler: FakeReconciler) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, reconciler)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://console.test") as http,
    ):
        yield http


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


async def sign_in(client: httpx.AsyncClient, name: str) -> httpx.Response:
    form = await client.get("/signin")
    return await client.post(
        "/signin", data={"csrf_token": csrf_of(form.text), "name": name, "password": PASSWORDS[name], "next": "/"}
    )
