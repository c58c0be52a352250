"""Every code the HRG dialect can answer, each produced end to end (HTTP -> gateway -> core -> store)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from gateways.hrg.codes import code_table
from gateways.hrg.provisional import Provisional
from tests.gateways.hrg.conftest import new_id, running_hrg
from tests.support.core import CoreHandle

Scenario = Callable[[CoreHandle], Awaitable[str]]


async def success(core: CoreHandle, **settings: Any) -> str:
    async with running_hrg(core, **settings) as hrg:
        return await hrg.code("get_balance", hrg.vendor.get_balance(await hrg.player()))


async def invalid_user(core: CoreHandle, **settings: Any) -> str:
    async with running_hrg(core, **settings) as hrg:
        return await hrg.code("get_balance", hrg.vendor.get_balance("nobody"))


async def invalid_parameters(core: CoreHandle, **settings: Any) -> str:
    async with running_hrg(core, **settings) as hrg:
        return await hrg.code("settle", b'{"userId": ')


async def not_allowed(core: CoreHandle, **settings: Any) -> str:
    async with running_hrg(core, **settings) as hrg:
        return await hrg.code("cancel_bet", hrg.vendor.cancel_bet("u1", new_id()), secret="not-the-shared-secret")


async def bet_failed(core: CoreHandle, **settings: Any) -> str:
    async with running_hrg(core, **settings) as hrg:
        return await hrg.code("place_bet", hrg.vendor.place_bet(await hrg.player("1.00"), new_id(), "2.00"))


async def other_error(core: CoreHandle, **settings: Any) -> str:
    async with running_hrg(core, **settings) as hrg:
        user = await hrg.player()
        return await hrg.code("settle", hrg.vendor.settle(user, new_id(), "1.00", "2.00"))


SCENARIOS: dict[str, Scenario] = {
    "0000": success,
    "1000": invalid_user,
    "1001": invalid_parameters,
    "1038": not_allowed,
    "8001": bet_failed,
    "9999": other_error,
}


def test_the_scenarios_cover_every_code_the_dialect_answers() -> None:
    table = code_table(Provisional())
    answered = {code for row in [*table.rows.values(), table.fallback] for code in row}
    assert set(SCENARIOS) == answered | {"0000"}


@pytest.mark.parametrize("code", sorted(SCENARIOS))
async def test_the_code_is_answered_end_to_end(core: CoreHandle, code: str) -> None:
    assert await SCENARIOS[code](core) == code


async def test_the_provisional_codes_are_answered_as_configured(core: CoreHandle) -> None:
    provisional = {"invalid_user_code": "2000", "invalid_parameters_code": "2001", "auth_failure_code": "2038"}
    assert await invalid_user(core, provisional=provisional) == "2000"
    assert await invalid_parameters(core, provisional=provisional) == "2001"
    assert await not_allowed(core, provisional=provisional) == "2038"
