"""The console in a real browser: headless Chromium (Debian's) driven by Playwright, against the
console served by uvicorn on loopback and a real core. Skipped without Chromium, except in CI."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
import uvicorn
from playwright.async_api import Browser, Page, async_playwright, expect

from devstack.ports import free_port
from tests.support.browser import CHROMIUM_FLAGS, require_chromium
from tests.support.core import CoreHandle
from tests.support.reconciling import Reconciling
from tests.wallet_console.conftest import PASSWORDS, reconciled
from tests.wallet_core.helpers import credit, debit
from wallet_console import Settings, create_app
from wallet_reconcile.reconciler import Reconciler

RAW = '{"user_id": "demo1", "bet_txn_id": "ai-1", "bet_amount": "10.00"}'


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    chromium = require_chromium()
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_FLAGS)
        yield launched
        await launched.close()


@pytest.fixture
async def console_url(settings: Settings, reconciler: Reconciler) -> AsyncIterator[str]:
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, reconciler), host="127.0.0.1", port=port, log_level="warning")
    )
    serving = asyncio.create_task(server.serve())
    while not server.started:
        assert not serving.done(), "the console did not start"
        await asyncio.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await serving


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context()
    opened = await context.new_page()
    yield opened
    await context.close()


async def sign_in(page: Page, url: str, name: str) -> None:
    await page.goto(f"{url}/")
    await expect(page).to_have_url(f"{url}/signin?next=/")
    await page.get_by_label("Name").fill(name)
    await page.get_by_label("Password").fill(PASSWORDS[name])
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", name="Find a player")).to_be_visible()


async def test_find_demo1_and_open_a_transaction_and_its_raw_request(
    page: Page, console_url: str, console_core: CoreHandle
) -> None:
    await debit(console_core, "ai-1", "demo1", "10", provider="aigame", round_id="R-41", raw_request=RAW)
    await credit(console_core, "ai-1", "demo1", "19.50", provider="aigame", ref="ai-1", round_id="R-41")
    await sign_in(page, console_url, "ann")
    await page.get_by_label("Player id").fill("demo1")
    await page.get_by_role("button", name="Find").click()
    await expect(page.get_by_role("heading", name="Player demo1")).to_be_visible()
    await expect(page.locator("td.balance").first).to_have_text("1000.00")  # BRL, opened first
    await page.locator('a[href="/transactions/aigame/debit/ai-1"]').first.click()
    await expect(page.get_by_role("heading", name="Debit ai-1 (aigame)")).to_be_visible()
    await expect(page.locator("#raw-request")).to_have_text(RAW)
    await page.get_by_role("link", name="R-41").first.click()
    await expect(page.get_by_role("heading", name="Round R-41 (aigame)")).to_be_visible()
    await expect(page.locator("table.timeline tbody tr")).to_have_count(2)


async def show_stale_bets(page: Page) -> None:
    """The stale bets page, from a moment ago (its default is 10 minutes)."""
    await page.get_by_role("link", name="Stale bets").click()
    await page.get_by_label("Older than").fill("0s")
    await page.get_by_role("button", name="Show").click()


async def test_finance_applies_a_reconcile_proposal_once(
    page: Page, console_url: str, console_core: CoreHandle, reconciling: Reconciling
) -> None:
    user, bet = await reconciling.stuck_bet(1)  # AIGame settled it with 19.50; its payout never came
    await sign_in(page, console_url, "fin")
    await show_stale_bets(page)
    row = page.locator(f'tr[data-key="aigame:{bet}"]')
    await expect(row.locator("td.action")).to_have_text("pay 19.50 USD")
    await row.get_by_role("button", name="Apply").click()
    await expect(page.get_by_role("status")).to_have_text(
        f"aigame:{bet}: paid 19.50 USD to aig-{user} (balance 109.50)"
    )
    await expect(row).to_have_count(0)  # paid: no longer a stale bet
    assert await reconciling.aigame.balance_of(user) == Decimal("109.50")
    assert await reconciling.late_payout(user, bet) == (200, "109.50")  # AIGame's own, late: a replay
    assert await reconciling.aigame.balance_of(user) == Decimal("109.50")
    assert await reconciled(console_core) == [("bet.reconciled.pay", f"aigame {bet}", "console/fin")]


async def test_the_ggr_chart_renders(page: Page, console_url: str, console_core: CoreHandle) -> None:
    await debit(console_core, "ai-1", "demo1", "10", provider="aigame")
    await debit(console_core, "h-1", "demo2", "4", provider="hrg")
    await sign_in(page, console_url, "ann")
    await page.get_by_role("link", name="Figures").click()
    chart = page.locator('svg.chart[data-currency="USD"]')
    await expect(chart).to_be_visible()
    await expect(chart.locator("rect.bar")).to_have_count(2)
    box = await chart.locator("rect.bar").first.bounding_box()
    assert box is not None and box["height"] > 10 and box["width"] > 1


async def test_support_cannot_act(
    page: Page, console_url: str, console_core: CoreHandle, reconciling: Reconciling
) -> None:
    user, bet = await reconciling.stuck_bet(1)
    await sign_in(page, console_url, "ann")
    await show_stale_bets(page)
    await expect(page.locator(f'tr[data-key="aigame:{bet}"]')).to_be_visible()
    await expect(page.get_by_role("button", name="Apply")).to_have_count(0)
    # Posting the form all the same (its token taken from the sign-out form) is refused.
    token = await page.locator('input[name="csrf_token"]').first.get_attribute("value")
    answer = await page.request.post(
        f"{console_url}/stale/apply", form={"csrf_token": token or "", "key": f"aigame:{bet}"}
    )
    assert answer.status == 403 and "may read but not act" in await answer.text()
    assert await reconciling.aigame.balance_of(user) == Decimal("90.00")
    assert await reconciled(console_core) == []


async def test_a_post_without_the_csrf_token_is_refused(
    page: Page, console_url: str, console_core: CoreHandle, reconciling: Reconciling
) -> None:
    user, bet = await reconciling.stuck_bet(1)
    await sign_in(page, console_url, "fin")
    # The browser's own session cookie goes with it, but not the form's token: what a forged post can do.
    answer = await page.request.post(f"{console_url}/stale/apply", form={"key": f"aigame:{bet}"})
    assert answer.status == 403 and "CSRF" in await answer.text()
    assert await reconciling.aigame.balance_of(user) == Decimal("90.00")
    assert await reconciled(console_core) == []
