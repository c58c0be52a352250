"""The console against a real core on loopback (SQLite: the console holds no store logic), with staff
of each role, the real reconciler (asking the simulated AIGame platform; the AIGame gateway in front
of the core: tests/support/reconciling.py), and an httpx client on the app in the test's own event loop."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from gateways.kit.core_connection import CoreConnection
from tests.support.core import CONSOLE_ACT_TOKEN, CoreHandle, running_core
from tests.support.reconciling import Reconciling, reconciling_over
from wallet_console import Settings, create_app
from wallet_console.passwords import hash_password
from wallet_console.settings import Staff
from wallet_core.audit import AdminAudit
from wallet_core.store.database import create_engine
from wallet_core.store.migrate import upgrade
from wallet_reconcile.reconciler import Reconciler

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
async def reconciling(console_core: CoreHandle) -> AsyncIterator[Reconciling]:
    async with reconciling_over(console_core) as found:
        yield found


@pytest.fixture
def reconciler(reconciling: Reconciling) -> Reconciler:
    return reconciling.reconciler


@pytest.fixture
async def client(settings: Settings, reconciler: Reconciler) -> AsyncIterator[httpx.AsyncClient]:
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


async def reconciled(core: CoreHandle) -> list[tuple[str, str, str]]:
    """The admin audit's reconciliations: (action, subject, who asked)."""
    engine = create_engine(core.database_url, pool_size=1)
    try:
        entries = await AdminAudit(engine).entries()
    finally:
        await engine.dispose()
    return [(e.action, e.subject, str(e.details.get("asked_by"))) for e in entries if e.action.startswith("bet.")]
