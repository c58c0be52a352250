"""Each page over HTTP against a real core: what it shows, and what an action does."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from tests.support.core import CoreHandle
from tests.support.reconciling import Reconciling
from tests.wallet_console.conftest import csrf_of, reconciled, sign_in
from tests.wallet_core.helpers import credit, debit, refused, rollback
from wallet_console import Settings
from wallet_core.audit import AdminAudit
from wallet_core.store.database import create_engine
from wallet_reconcile.reconciler import Reconciler

RAW = '{"user_id": "demo1", "bet_txn_id": "ai-1", "bet_amount": "10.00", "note": "<b>as sent</b>"}'


async def play(core: CoreHandle) -> None:
    """demo1: a bet of 10.00 paid 19.50 in round R-41, a bet cancelled, a refusal."""
    await debit(core, "ai-1", "demo1", "10", provider="aigame", round_id="R-41", raw_request=RAW)
    await credit(core, "ai-1", "demo1", "19.50", provider="aigame", ref="ai-1", round_id="R-41")
    await debit(core, "ai-2", "demo1", "5", provider="aigame", round_id="R-42")
    await rollback(core, "ai-2", "demo1", "ai-2", provider="aigame")
    await refused(debit(core, "ai-3", "demo1", "5000", provider="aigame", round_id="R-43"))


async def test_find_a_player(client: httpx.AsyncClient) -> None:
    await sign_in(client, "ann")
    several = await client.get("/players", params={"q": "demo"})
    assert several.status_code == 200
    assert 'href="/players/demo1"' in several.text and 'href="/players/demo2"' in several.text
    exact = await client.get("/players", params={"q": "demo1"})
    assert (exact.status_code, exact.headers["location"]) == (303, "/players/demo1")
    none = await client.get("/players", params={"q": "nobody"})
    assert "No player found." in none.text


async def test_a_players_accounts_and_timeline(client: httpx.AsyncClient, console_core: CoreHandle) -> None:
    await play(console_core)
    await sign_in(client, "ann")
    page = await client.get("/players/demo1")
    assert page.status_code == 200
    text = page.text
    assert "1009.50" in text and "BRL" in text  # the USD balance after the game, and the other account
    assert 'href="/transactions/aigame/debit/ai-1"' in text
    assert 'href="/transactions/aigame/credit/ai-1"' in text
    assert 'href="/transactions/aigame/rollback/ai-2"' in text
    assert "INSUFFICIENT_FUNDS" in text
    assert 'href="/rounds/R-41?provider=aigame"' in text
    assert "ai-1: settled" in text and "ai-2: cancelled" in text
    missing = await client.get("/players/nobody")
    assert missing.status_code == 404 and "no account under that id" in missing.text


async def test_a_transaction_with_its_raw_request(client: httpx.AsyncClient, console_core: CoreHandle) -> None:
    await play(console_core)
    await sign_in(client, "ann")
    page = await client.get("/transactions/aigame/debit/ai-1")
    assert page.status_code == 200
    # The raw request exactly as received, escaped: the page shows the text, it does not run it.
    assert "&lt;b&gt;as sent&lt;/b&gt;" in page.text and "<b>as sent</b>" not in page.text
    assert "&#34;bet_txn_id&#34;: &#34;ai-1&#34;" in page.text
    assert "19.50" in page.text  # the payout, among the bet's transactions
    missing = await client.get("/transactions/aigame/debit/nope")
    assert missing.status_code == 404 and "No such transaction." in missing.text
    bad_kind = await client.get("/transactions/aigame/bet/ai-1")
    assert bad_kind.status_code == 404


async def test_a_round_with_every_transaction(client: httpx.AsyncClient, console_core: CoreHandle) -> None:
    await play(console_core)
    await sign_in(client, "ann")
    page = await client.get("/rounds/R-41", params={"provider": "aigame"})
    assert page.status_code == 200
    assert page.text.count('href="/transactions/aigame/') == 2


async def hold_a_payout(core: CoreHandle) -> None:
    """HRG pays 500.00 for a bet of 1.00: past its 100 x the stake, held (w-1)."""
    await debit(core, "h-1", "demo1", "1", provider="hrg")
    await refused(credit(core, "w-1", "demo1", "500", provider="hrg", ref="h-1"))


async def test_held_payouts_approved_by_finance_in_their_name(
    client: httpx.AsyncClient, console_core: CoreHandle
) -> None:
    await hold_a_payout(console_core)
    await sign_in(client, "fin")
    page = await client.get("/held")
    assert page.status_code == 200 and "w-1" in page.text and "Approve</button>" in page.text
    hold_id = page.text.split('action="/held/')[1].split("/")[0]
    no_reason = await client.post(
        f"/held/{hold_id}/decide", data={"csrf_token": csrf_of(page.text), "decision": "reject"}
    )
    assert no_reason.status_code == 400 and "needs a reason" in no_reason.text
    answer = await client.post(
        f"/held/{hold_id}/decide", data={"csrf_token": csrf_of(page.text), "decision": "approve"}
    )
    assert (answer.status_code, answer.headers["location"]) == (303, "/held")
    after = await client.get("/held")
    assert "approved: its next re-send is paid" in after.text and "No payout is held." in after.text
    again = await client.post(f"/held/{hold_id}/decide", data={"csrf_token": csrf_of(page.text), "decision": "approve"})
    assert again.status_code == 409 and "no longer pending" in again.text
    engine = create_engine(console_core.database_url, pool_size=1)
    try:
        actors = [e.actor for e in await AdminAudit(engine).entries() if e.action.startswith("payout")]
    finally:
        await engine.dispose()
    assert actors == ["console/fin"]


async def test_support_sees_held_payouts_without_the_buttons(
    client: httpx.AsyncClient, console_core: CoreHandle
) -> None:
    await hold_a_payout(console_core)
    await sign_in(client, "ann")
    page = await client.get("/held")
    assert "w-1" in page.text and "Approve</button>" not in page.text


async def test_figures_chart_ggr_and_count_refusals(client: httpx.AsyncClient, console_core: CoreHandle) -> None:
    await play(console_core)
    await sign_in(client, "ann")
    page = await client.get("/figures")
    assert page.status_code == 200
    assert '<svg class="chart"' in page.text and 'data-currency="USD"' in page.text
    assert 'class="bar"' in page.text and "GGR -9.50 USD" in page.text  # 10 + 5 - 5 - 19.50
    assert '<td>INSUFFICIENT_FUNDS</td><td>aigame</td><td class="num">1</td>' in page.text


async def test_a_stale_bet_is_paid_once_from_aigames_answer(
    client: httpx.AsyncClient, console_core: CoreHandle, reconciling: Reconciling
) -> None:
    user, bet = await reconciling.stuck_bet(1)  # AIGame settled it with a win of 19.50; its payout never came
    await sign_in(client, "fin")
    default = await client.get("/stale")
    assert "Bets left placed longer than 10m" in default.text and f"aigame:{bet}" not in default.text
    page = await client.get("/stale", params={"older_than": "0s"})
    assert f"aigame:{bet}" in page.text and "pay 19.50 USD" in page.text
    assert "AIGame says settled (1), win_amount 19.50: pay it" in page.text
    data = {"csrf_token": csrf_of(page.text), "key": f"aigame:{bet}", "older_than": "0s"}
    first = await client.post("/stale/apply", data=data)
    assert (first.status_code, first.headers["location"]) == (303, "/stale?older_than=0s")
    after = (await client.get(first.headers["location"])).text
    assert f"aigame:{bet}: paid 19.50 USD to aig-{user} (balance 109.50)" in after
    assert f'data-key="aigame:{bet}"' not in after  # no longer placed, so no longer stale
    await client.post("/stale/apply", data=data)
    assert "no longer placed (settled or cancelled): nothing to do" in (await client.get("/stale")).text
    assert await reconciling.aigame.balance_of(user) == Decimal("109.50")
    # AIGame's own payout, late, through its gateway: a replay, nothing moves.
    assert await reconciling.late_payout(user, bet) == (200, "109.50")
    assert await reconciling.aigame.balance_of(user) == Decimal("109.50")
    assert await reconciled(console_core) == [("bet.reconciled.pay", f"aigame {bet}", "console/fin")]
    unknown = await client.post("/stale/apply", data={**data, "key": "aigame:nope"})
    assert unknown.status_code == 409 and "The reconciler did not apply aigame:nope" in unknown.text


async def test_a_cancelled_bet_gets_its_stake_back_once(
    client: httpx.AsyncClient, console_core: CoreHandle, reconciling: Reconciling
) -> None:
    user, bet = await reconciling.stuck_bet(2)  # AIGame: user cancelled
    await sign_in(client, "fin")
    page = await client.get("/stale", params={"older_than": "0s"})
    assert "AIGame says user cancelled (2)" in page.text
    await client.post("/stale/apply", data={"csrf_token": csrf_of(page.text), "key": f"aigame:{bet}"})
    assert "cancelled: stake 10.00 USD back" in (await client.get("/stale")).text
    assert await reconciling.aigame.balance_of(user) == Decimal("100.00")


async def test_a_bad_threshold_is_one_line(client: httpx.AsyncClient) -> None:
    await sign_in(client, "ann")
    answer = await client.get("/stale", params={"older_than": "soon"}, headers={"accept": "text/html"})
    assert answer.status_code == 400 and "Older than: &#39;soon&#39; is not a duration" in answer.text


async def test_without_reconciliation_the_stale_page_says_so(settings: Settings, console_core: CoreHandle) -> None:
    from wallet_console import create_app

    app = create_app(settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://console.test") as http:
        await sign_in(http, "fin")
        assert "Reconciliation is not configured" in (await http.get("/stale")).text
        page = await http.get("/held")
        answer = await http.post("/stale/apply", data={"csrf_token": csrf_of(page.text), "key": "x"})
        assert answer.status_code == 404


async def test_a_core_that_does_not_answer_is_one_line(settings: Settings, console_core: CoreHandle) -> None:
    import dataclasses

    from gateways.kit.core_connection import CoreConnection
    from wallet_console import create_app

    gone = dataclasses.replace(
        settings,
        core=CoreConnection(address="127.0.0.1:1", token="x", deadline_seconds=0.5),
    )
    app = create_app(gone)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://console.test") as http:
        await sign_in(http, "ann")
        answer = await http.get("/players/demo1")
        assert answer.status_code == 503
        assert "The wallet core does not answer right now; nothing was done." in answer.text
        assert "Traceback" not in answer.text


async def test_an_unexpected_failure_is_one_line(
    settings: Settings, reconciler: Reconciler, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wallet_console import create_app

    async def broken(**_: object) -> list[object]:
        raise RuntimeError("the reconciler broke")

    monkeypatch.setattr(reconciler, "proposals", broken)
    app = create_app(settings, reconciler)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)  # as a server: answered, then logged
    async with httpx.AsyncClient(transport=transport, base_url="http://console.test") as client:
        await sign_in(client, "ann")
        answer = await client.get("/stale")
    assert answer.status_code == 500
    assert "Something went wrong on the console; nothing more was done." in answer.text
    assert "the reconciler broke" not in answer.text and "Traceback" not in answer.text
