"""Every code the AIGame dialect can answer, each produced end to end (HTTP -> gateway -> core -> store)."""

from collections.abc import Awaitable, Callable

import pytest

from gateways.aigame.codes import code_table
from gateways.aigame.provisional import Provisional
from tests.gateways.aigame.conftest import WALLET, running_aigame
from tests.gateways.aigame.vendor import Vendor
from tests.gateways.conformance import new_id
from tests.gateways.kit.scripted_core import dead_address
from tests.support.core import CoreHandle

Scenario = Callable[[CoreHandle], Awaitable[int]]


async def success(core: CoreHandle) -> int:
    async with running_aigame(core) as aigame:
        return await aigame.code("balance", aigame.vendor.balance(await aigame.player()))


async def parameter_error(core: CoreHandle) -> int:
    async with running_aigame(core) as aigame:
        response = await aigame.client.post(f"{WALLET}/bet", content=b'{"agent_id": ')
        code: int = response.json()["code"]
        return code


async def not_whitelisted(core: CoreHandle) -> int:
    async with running_aigame(core, client_ip="192.0.2.9") as aigame:
        return await aigame.code("balance", aigame.vendor.balance("u1"))


async def too_frequent(core: CoreHandle) -> int:
    async with running_aigame(core) as aigame:
        await aigame.detail(aigame.vendor.detail("x"))
        code: int = (await aigame.detail(aigame.vendor.detail("x")))["code"]
        return code


async def signature_error(core: CoreHandle) -> int:
    async with running_aigame(core) as aigame:
        return await aigame.code("payout", {**aigame.vendor.payout("u1", new_id(), "1"), "sign": "f" * 32})


async def merchant_unknown(core: CoreHandle) -> int:
    async with running_aigame(core) as aigame:
        code: int = (await aigame.detail(Vendor("agent404", "k").detail("x")))["code"]
        return code


async def record_unknown(core: CoreHandle) -> int:
    async with running_aigame(core) as aigame:
        code: int = (await aigame.detail(aigame.vendor.detail(new_id())))["code"]
        return code


async def service_exception(core: CoreHandle) -> int:
    async with running_aigame(core, token="revoked-token") as aigame:
        return await aigame.code("bet", aigame.vendor.bet(await aigame.player(), new_id(), "1"))


async def member_unknown(core: CoreHandle) -> int:
    async with running_aigame(core) as aigame:
        return await aigame.code("balance", aigame.vendor.balance("nobody"))


async def currency_unknown(core: CoreHandle) -> int:
    async with running_aigame(core) as aigame:
        return await aigame.code("bet", aigame.vendor.bet(await aigame.player(), new_id(), "1", currency="XXX"))


async def balance_failed(core: CoreHandle) -> int:
    address = await dead_address()
    async with running_aigame(core, address=address, deadline_seconds=0.3) as aigame:
        return await aigame.code("balance", aigame.vendor.balance("u1"))


async def insufficient_balance(core: CoreHandle) -> int:
    async with running_aigame(core) as aigame:
        return await aigame.code("bet", aigame.vendor.bet(await aigame.player("1.00"), new_id(), "2"))


async def bet_failure(core: CoreHandle) -> int:
    async with running_aigame(core) as aigame:
        user, bet = await aigame.player(), new_id()
        await aigame.post("refund", aigame.vendor.refund(user, bet, "1"))
        return await aigame.code("bet", aigame.vendor.bet(user, bet, "1"))


async def order_unknown(core: CoreHandle) -> int:
    async with running_aigame(core) as aigame:
        return await aigame.code("payout", aigame.vendor.payout(await aigame.player(), new_id(), "1"))


async def cancel_failed(core: CoreHandle) -> int:
    async with running_aigame(core) as aigame:
        user, bet = await aigame.player(), new_id()
        await aigame.post("bet", aigame.vendor.bet(user, bet, "1"))
        await aigame.post("payout", aigame.vendor.payout(user, bet, "2"))
        return await aigame.code("refund", aigame.vendor.refund(user, bet, "1", status=0))


async def payout_failed(core: CoreHandle) -> int:
    async with running_aigame(core) as aigame:
        user, bet = await aigame.player(), new_id()
        await aigame.post("bet", aigame.vendor.bet(user, bet, "1"))
        await aigame.post("payout", aigame.vendor.payout(user, bet, "2"))
        return await aigame.code("payout", aigame.vendor.payout(user, bet, "3"))


SCENARIOS: dict[int, Scenario] = {
    200: success,
    408000: parameter_error,
    408003: not_whitelisted,
    408004: too_frequent,
    600100: signature_error,
    700101: merchant_unknown,
    700237: record_unknown,
    800100: service_exception,
    800101: member_unknown,
    800102: currency_unknown,
    800103: balance_failed,
    800104: insufficient_balance,
    800106: bet_failure,
    800107: order_unknown,
    800108: cancel_failed,
    800109: payout_failed,
}


def test_the_scenarios_cover_every_code_the_dialect_answers() -> None:
    table = code_table(Provisional())
    answered = {code for row in [*table.rows.values(), table.fallback] for code in row}
    assert set(SCENARIOS) == answered | {200}


@pytest.mark.parametrize("code", sorted(SCENARIOS))
async def test_the_code_is_answered_end_to_end(core: CoreHandle, code: int) -> None:
    assert await SCENARIOS[code](core) == code
