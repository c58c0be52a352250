"""get_balance end to end: HTTP -> gateway -> real core, on each store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gateways.hrg.times import parse_time
from tests.gateways.hrg.conftest import HRG


async def test_the_balance_is_the_wallet_s_now(hrg: HRG) -> None:
    user = await hrg.player("123.45")
    answer = await hrg.send("get_balance", hrg.vendor.get_balance(user))
    assert answer["code"] == "0000"
    assert answer["balance"] == "123.45"
    assert len(answer["balanceTs"]) == 28 and answer["balanceTs"].endswith("+0800")
    assert abs(parse_time(answer["balanceTs"], "balanceTs") - datetime.now(UTC)) < timedelta(seconds=5)


async def test_an_unknown_user_is_an_invalid_user(hrg: HRG) -> None:
    answer = await hrg.send("get_balance", hrg.vendor.get_balance("nobody"))
    assert answer == {"code": "1000", "desc": "invalid user", "msg": "invalid user"}


async def test_a_request_without_a_user_is_invalid(hrg: HRG) -> None:
    assert (await hrg.send("get_balance", {"user": "x"}))["code"] == "1001"
