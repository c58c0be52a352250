"""Player limits besides the money rules (those are in test_rules.py): the day's time zone, the
admin RPCs' refusals, the limits answered per currency."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.support.core import CoreHandle, bearer
from tests.wallet_core.helpers import refused
from wallet.v1 import wallet_pb2 as pb
from wallet_core import limits
from wallet_core.config import ConfigError, CoreSettings


def test_the_day_is_the_calendar_day_in_the_configured_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("wallet_core.store.queries.now", lambda: datetime(2026, 12, 6, 16, 30, tzinfo=UTC))
    assert limits.today(ZoneInfo("UTC")) == date(2026, 12, 6)
    assert limits.today(ZoneInfo("Asia/Manila")) == date(2026, 12, 7)  # 00:30 there
    assert limits.today(ZoneInfo("America/Sao_Paulo")) == date(2026, 12, 6)


def test_the_time_zone_is_a_core_setting_utc_by_default() -> None:
    assert CoreSettings.from_mapping({}).limits_time_zone == "UTC"
    assert CoreSettings.from_mapping({"limits_time_zone": "Asia/Manila"}).limits_time_zone == "Asia/Manila"
    with pytest.raises(ConfigError, match=r"\[core\] limits_time_zone 'Mars/Olympus' is not an IANA time zone"):
        CoreSettings.from_mapping({"limits_time_zone": "Mars/Olympus"})


async def test_limits_are_set_by_admins_only_on_an_account_with_amounts_of_its_currency(core: CoreHandle) -> None:
    await core.open_account("p1", "USD", "100")
    admin, gateway = bearer(core.admin_token), bearer(core.token_for("aigame"))
    cases = [
        (pb.SetLimitsRequest(player_id="p1", currency="USD", max_stake="1"), gateway, "PERMISSION_DENIED"),
        (pb.SetLimitsRequest(player_id="p2", currency="USD", max_stake="1"), admin, "ACCOUNT_NOT_FOUND"),
        (pb.SetLimitsRequest(player_id="p1", currency="XXX", max_stake="1"), admin, "UNSUPPORTED_CURRENCY"),
        (pb.SetLimitsRequest(player_id="p1", currency="USD", max_stake="0"), admin, "INVALID_AMOUNT"),
        (pb.SetLimitsRequest(player_id="p1", currency="USD", max_daily_loss="1.001"), admin, "INVALID_AMOUNT"),
        (pb.SetLimitsRequest(player_id="", currency="USD", max_stake="1"), admin, "INVALID_ARGUMENT"),
    ]
    for request, token, reason in cases:
        assert (await refused(core.stub.SetLimits(request, metadata=token))).reason == reason, request
    denied = await refused(core.stub.GetLimits(pb.GetLimitsRequest(player_id="p1"), metadata=gateway))
    assert denied.reason == "PERMISSION_DENIED"
    assert await core.limits("p1") == []


async def test_limits_are_answered_per_currency(core: CoreHandle) -> None:
    await core.open_account("p1", "USD", "100")
    await core.open_account("p1", "EUR", "100")
    await core.open_account("p1", "BRL", "100")
    await core.set_limits("p1", "USD", max_stake="5")
    await core.set_limits("p1", "EUR", max_daily_loss="7.5")
    answered = {
        (lim.currency, lim.max_stake, lim.max_daily_loss, lim.net_loss_today) for lim in await core.limits("p1")
    }
    assert answered == {("USD", "5.00", "", "0.00"), ("EUR", "", "7.50", "0.00")}
