"""A gateway whose core token has expired (a missed rotation): each dialect answers its "our fault"
code, as for an unknown token, no money moves, and the gateway's request log names TOKEN_EXPIRED."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from decimal import Decimal

import pytest

from tests.gateways.aigame.conftest import running_aigame
from tests.gateways.hrg.conftest import running_hrg
from tests.gateways.sud.conftest import running_sud
from tests.support.core import CoreHandle
from tests.support.logs import watching_logs


async def _aigame(core: CoreHandle) -> None:
    async with running_aigame(core, token=core.expired_token_for("aigame")) as aigame:
        user, vendor = await aigame.player("100.00"), aigame.vendor
        calls = [("balance", vendor.balance(user)), ("bet", vendor.bet(user, "b1", "1.00"))]
        calls += [("payout", vendor.payout(user, "b1", "2.00")), ("refund", vendor.refund(user, "b1", "1.00"))]
        assert [await aigame.code(endpoint, body) for endpoint, body in calls] == [800100] * 4
        assert await aigame.balance_of(user) == Decimal("100.00")


async def _hrg(core: CoreHandle) -> None:
    async with running_hrg(core, token=core.expired_token_for("hrg")) as hrg:
        user, vendor = await hrg.player("100.00"), hrg.vendor
        calls = [("place_bet", vendor.place_bet(user, "TX-1", "1.00")), ("cancel_bet", vendor.cancel_bet(user, "TX-1"))]
        calls.append(("settle", vendor.settle(user, "TX-1", "1.00", "2.00")))
        assert [await hrg.code(action, body) for action, body in calls] == ["9999"] * 3
        assert await hrg.balance_of(user) == Decimal("100.00")


async def _sud(core: CoreHandle) -> None:
    async with running_sud(core, token=core.expired_token_for("sud")) as sud:
        user = await sud.player("100.00")
        assert (await sud.update_score(sud.vendor.update_score(user, "o1", 100, 2)))["ret_code"] == 1999
        assert await sud.balance_of(user) == Decimal("100.00")


GATEWAYS: dict[str, Callable[[CoreHandle], Awaitable[None]]] = {"aigame": _aigame, "hrg": _hrg, "sud": _sud}


@pytest.mark.parametrize("gateway", GATEWAYS)
async def test_an_expired_core_token_is_the_dialects_our_fault_code(core: CoreHandle, gateway: str) -> None:
    with watching_logs(logging.INFO) as watch:
        await GATEWAYS[gateway](core)
    assert {getattr(record, "reason", None) for record in watch.records} - {None} == {"TOKEN_EXPIRED"}
