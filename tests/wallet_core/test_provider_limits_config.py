"""``[core.providers.<name>]``: ``max_payout_multiple`` (the defaults, an override, off),
``daily_budget_without_bet`` and ``time_zone``, what is refused; and the core writing them where the
ledger's paths read them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.support.core import TEST_CURRENCIES, CoreHandle
from tests.wallet_core.helpers import rows
from wallet_core.bootstrap import ledger_for
from wallet_core.config import DEFAULT_MAX_PAYOUT_MULTIPLES, ConfigError, CoreSettings, DailyBudget
from wallet_core.store.holds import credit_budgets, payout_limits


def multiples(providers: object) -> dict[str, int]:
    return dict(CoreSettings.from_mapping({"providers": providers}).max_payout_multiples)


def test_the_defaults_hold_past_100x_for_live_casino_and_50x_for_sud() -> None:
    assert dict(CoreSettings.from_mapping({}).max_payout_multiples) == {"aigame": 100, "hrg": 100, "sud": 50}
    assert dict(CoreSettings().max_payout_multiples) == DEFAULT_MAX_PAYOUT_MULTIPLES


def test_a_provider_overrides_adds_or_turns_off_its_limit() -> None:
    configured = {"aigame": {"max_payout_multiple": 30}, "sud": {"max_payout_multiple": 0}, "new": {}}
    assert multiples(configured) == {"aigame": 30, "hrg": 100}
    assert multiples({"slots": {"max_payout_multiple": 5000}})["slots"] == 5000


@pytest.mark.parametrize(
    ("providers", "message"),
    [
        ({"aigame": {"max_payout_multiple": -1}}, "0 or more"),
        ({"aigame": {"max_payout_multiple": 2.5}}, "whole number"),
        ({"aigame": {"max_payout_multiple": True}}, "whole number"),
        ({"aigame": {"max_payout": 3}}, "takes the keys daily_budget_without_bet, max_payout_multiple, time_zone"),
        ({"aigame": 3}, "takes the keys"),
        ({"hrg": {"time_zone": "Mars/Olympus"}}, "not an IANA time zone"),
        ({"hrg": {"daily_budget_without_bet": "500"}}, "a table of amounts"),
        ({"hrg": {"daily_budget_without_bet": {"XXX": "1"}}}, r"XXX is not in \[core.currencies\]"),
        ({"hrg": {"daily_budget_without_bet": {"USD": "1.001"}}}, "at most 2 decimals"),
        ({"hrg": {"daily_budget_without_bet": {"USD": 500}}}, "as a string"),
        ({"hrg": {"daily_budget_without_bet": {"USD": "-1"}}}, "as a string"),
        ({"hrg": {"daily_budget_without_bet": {"USD": "lots"}}}, "as a string"),
        ([], r"\[core.providers\] must be a table"),
    ],
)
def test_a_wrong_limit_is_refused_saying_where(providers: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        multiples(providers)


def test_a_daily_budget_is_kept_in_minor_units_with_its_time_zone() -> None:
    settings = CoreSettings.from_mapping(
        {
            "providers": {
                "hrg": {"daily_budget_without_bet": {"USD": "500.5", "COIN": "1000"}, "time_zone": "Asia/Manila"},
                "sud": {"daily_budget_without_bet": {"USD": "20"}},
            }
        }
    )
    assert dict(settings.daily_budgets) == {
        ("hrg", "USD"): DailyBudget(50050, "Asia/Manila"),
        ("hrg", "COIN"): DailyBudget(1000, "Asia/Manila"),
        ("sud", "USD"): DailyBudget(2000, "UTC"),
    }
    assert CoreSettings.from_mapping({}).daily_budgets == {}  # none by default: never held


async def test_the_core_writes_its_limits_where_the_ledger_reads_them(core: CoreHandle) -> None:
    stored = {row["provider"]: row["max_payout_multiple"] for row in await rows(core, select(payout_limits))}
    assert stored == DEFAULT_MAX_PAYOUT_MULTIPLES
    assert await rows(core, select(credit_budgets)) == []


async def test_a_core_replaces_the_limits_and_budgets(database_url: str) -> None:
    budgets = {("hrg", "USD"): DailyBudget(100, "UTC")}
    ledger = await ledger_for(database_url, TEST_CURRENCIES, max_payout_multiples={}, daily_budgets=budgets)
    try:
        async with ledger.engine.connect() as conn:
            assert [tuple(row) for row in (await conn.execute(select(credit_budgets))).all()] == [
                ("hrg", "USD", 100, "UTC")
            ]
            assert (await conn.execute(select(payout_limits))).all() == []
    finally:
        await ledger.close()
    again = await ledger_for(database_url, TEST_CURRENCIES, daily_budgets={})  # the budget taken out
    try:
        async with again.engine.connect() as conn:
            assert (await conn.execute(select(credit_budgets))).all() == []
    finally:
        await again.close()
