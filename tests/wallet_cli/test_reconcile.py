"""`wallet reconcile` in-process: a real core, the simulated AIGame platform on a loopback port."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from devstack.aigame_platform import AGENT_ID, SECRET, AIGamePlatform, baccarat_record, serving
from devstack.ports import free_port
from tests.support.core import CoreHandle
from tests.wallet_core.helpers import debit
from wallet_cli.errors import CommandError
from wallet_cli.main import parser
from wallet_cli.reconcile import reconcile


@pytest.fixture
async def platform() -> AsyncIterator[tuple[AIGamePlatform, str]]:
    simulated = AIGamePlatform(agents={AGENT_ID: SECRET}, interval_seconds=0.2)
    async with serving(simulated, "127.0.0.1", free_port()) as url:
        yield simulated, url


def config(core: CoreHandle, url: str) -> dict[str, Any]:
    return {
        "gateways": {"aigame": {"agents": {AGENT_ID: SECRET}}},
        "reconcile": {
            "core_address": core.address,
            "providers": {
                "aigame": {
                    "base_url": url,
                    "agent_id": AGENT_ID,
                    "interval_seconds": 0.2,
                    "core": {"token": core.reconcile_token_for("aigame")},
                },
                "hrg": {"core": {"token": core.reconcile_token_for("hrg")}},
            },
        },
    }


def args(*argv: str) -> argparse.Namespace:
    return parser().parse_args(["reconcile", *argv])


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_dry_run_lists_and_apply_pays_exactly_once(
    core: CoreHandle, platform: tuple[AIGamePlatform, str], capsys: pytest.CaptureFixture[str]
) -> None:
    simulated, url = platform
    await core.open_account("stuck1", "USD", "100")
    await debit(core, "ai-stuck", "stuck1", "10", provider="aigame")
    await core.open_account("h1", "USD", "100")
    await debit(core, "hrg-open", "h1", "5", provider="hrg")
    simulated.records["ai-stuck"] = baccarat_record("ai-stuck", "stuck1", bet_amount="10.00")
    settings = config(core, url)
    assert await reconcile(args("--older-than", "0s"), settings, False) == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == 2
    assert "aigame:ai-stuck" in listed[0] and "pay 19.50" in listed[0]
    assert "hrg:hrg-open" in listed[1] and "manual" in listed[1]
    assert await core.balance("stuck1", "USD") == Decimal("90")

    # Each run is a new `wallet reconcile` process: one run keeps to the agent's interval, and two
    # runs inside it would meet AIGame's 408004 (backed off and retried). Here they are apart.
    await asyncio.sleep(simulated.interval_seconds)
    assert await reconcile(args("--older-than", "0s", "--apply"), settings, False) == 0
    applied = capsys.readouterr().out.splitlines()
    assert applied[-1].startswith("aigame:ai-stuck: paid 19.50 USD to stuck1")
    assert await core.balance("stuck1", "USD") == Decimal("109.50")

    await asyncio.sleep(simulated.interval_seconds)
    assert await reconcile(args("--older-than", "0s", "--apply", "--provider", "aigame"), settings, False) == 0
    assert capsys.readouterr().out.strip() == "no bets left placed past the threshold"
    assert await core.balance("stuck1", "USD") == Decimal("109.50")
    assert simulated.too_frequent == 0


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("trouble", "words"), [("whitelist", "whitelist"), ("agent", "does not know agent"), ("secret", "check its secret")]
)
async def test_configuration_refusals_are_one_line(
    core: CoreHandle, platform: tuple[AIGamePlatform, str], trouble: str, words: str
) -> None:
    simulated, url = platform
    await core.open_account("p1", "USD", "100")
    await debit(core, "ai-1", "p1", "10", provider="aigame")
    settings = config(core, url)
    aigame = settings["reconcile"]["providers"]["aigame"]
    if trouble == "whitelist":
        simulated.whitelisted = False
    elif trouble == "agent":
        aigame["agent_id"] = "nobody"
        aigame["secret"] = "x"
    else:
        aigame["secret"] = "wrong"
    with pytest.raises(CommandError) as refused:
        await reconcile(args("--older-than", "0s"), settings, False)
    assert words in str(refused.value) and "\n" not in str(refused.value)


async def test_without_a_reconcile_section_or_with_a_wrong_one_it_says_so_in_one_line() -> None:
    with pytest.raises(CommandError, match="no \\[reconcile\\] section"):
        await reconcile(args(), {}, False)
    wrong = {"reconcile": {"providers": {"aigame": {"agent_id": "a", "core": {"token": "t"}}}}}
    with pytest.raises(CommandError, match="base_url is required"):
        await reconcile(args(), wrong, False)
    with pytest.raises(CommandError, match="older_than"):
        await reconcile(args(), {"reconcile": {"older_than": "soon"}}, False)
    assert args("--older-than", "2h").older_than == timedelta(hours=2)
