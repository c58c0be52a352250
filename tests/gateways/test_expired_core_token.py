"""A gateway whose core token has expired (a missed rotation): each dialect answers its "our fault"
code, as for an unknown token, no money moves, and the gateway's request log names TOKEN_EXPIRED."""

from __future__ import annotations

import logging
from decimal import Decimal

from tests.gateways.aigame.conftest import running_aigame
from tests.gateways.hrg.conftest import running_hrg
from tests.gateways.sud.conftest import running_sud
from tests.support.core import CoreHandle
from tests.support.logs import LogWatch, watching_logs


def _reasons(watch: LogWatch) -> set[str]:
    return {getattr(record, "reason", None) or "" for record in watch.records} - {""}


async def test_aigame_answers_800100(core: CoreHandle) -> None:
    with watching_logs(logging.INFO) as watch:
        async with running_aigame(core, token=core.expired_token_for("aigame")) as aigame:
            user = await aigame.player("100.00")
            assert await aigame.code("balance", aigame.vendor.balance(user)) == 800100
            assert await aigame.code("bet", aigame.vendor.bet(user, "b1", "1.00")) == 800100
            assert await aigame.code("payout", aigame.vendor.payout(user, "b1", "2.00")) == 800100
            assert await aigame.code("refund", aigame.vendor.refund(user, "b1", "1.00")) == 800100
            assert await aigame.balance_of(user) == Decimal("100.00")
    assert _reasons(watch) == {"TOKEN_EXPIRED"}


async def test_hrg_answers_9999(core: CoreHandle) -> None:
    with watching_logs(logging.INFO) as watch:
        async with running_hrg(core, token=core.expired_token_for("hrg")) as hrg:
            user = await hrg.player("100.00")
            assert await hrg.code("place_bet", hrg.vendor.place_bet(user, "TX-1", "1.00")) == "9999"
            assert await hrg.code("settle", hrg.vendor.settle(user, "TX-1", "1.00", "2.00")) == "9999"
            assert await hrg.code("cancel_bet", hrg.vendor.cancel_bet(user, "TX-1")) == "9999"
            assert await hrg.balance_of(user) == Decimal("100.00")
    assert _reasons(watch) == {"TOKEN_EXPIRED"}


async def test_sud_answers_1999(core: CoreHandle) -> None:
    with watching_logs(logging.INFO) as watch:
        async with running_sud(core, token=core.expired_token_for("sud")) as sud:
            user = await sud.player("100.00")
            assert (await sud.update_score(sud.vendor.update_score(user, "o1", 100, 2)))["ret_code"] == 1999
            assert await sud.balance_of(user) == Decimal("100.00")
    assert _reasons(watch) == {"TOKEN_EXPIRED"}
