"""The fuzz tests' gateways (over the real `core` fixture), their funded players, and the summary line.

At the end of a run that fuzzed anything, the terminal summary prints how many inputs each endpoint
was sent on each store. `WALLET_FUZZ_SCALE` multiplies every test's number of examples (default 1;
e.g. 20 for a long run: `WALLET_FUZZ_SCALE=20 .venv/bin/python -m pytest tests/fuzz`).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, settings

from tests.fuzz.checks import Purse
from tests.fuzz.tally import store_of, summary_lines
from tests.gateways.aigame.conftest import AIGame, running_aigame
from tests.gateways.hrg.conftest import HRG, running_hrg
from tests.gateways.sud.conftest import Sud, running_sud
from tests.support.core import CoreHandle

T = TypeVar("T", bound=Callable[..., Any])
FUNDS = "1000000.00"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    lines = summary_lines()
    if lines:
        terminalreporter.write_sep("-", "fuzz: inputs tried per endpoint and store")
        for line in lines:
            terminalreporter.write_line(line)


def fuzz_settings(examples: int) -> Callable[[T], T]:
    """Hypothesis settings for a fuzz test: `examples` (times WALLET_FUZZ_SCALE), no deadline, no
    example database, and the function-scoped fixtures (one core, one gateway) shared by all examples."""
    scale = float(os.environ.get("WALLET_FUZZ_SCALE", "1"))
    decorate: Callable[[T], T] = settings(
        max_examples=max(1, round(examples * scale)),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    return decorate


@dataclass(repr=False)
class Fuzzed:
    """A gateway under fuzz: the store it runs on and its funded players' purse."""

    store: str
    purse: Purse
    user: str
    """The provider's id of the funded player every request names."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(store={self.store!r}, user={self.user!r})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """What Hypothesis prints for a failing example: short, and without the settings' secrets."""
        printer.text(repr(self))


@dataclass(repr=False)
class AIGameFuzz(Fuzzed):
    gateway: AIGame


@dataclass(repr=False)
class HRGFuzz(Fuzzed):
    gateway: HRG


@pytest.fixture
async def aigame_fuzz(core: CoreHandle) -> AsyncIterator[AIGameFuzz]:
    # The detail query's rate limit would refuse almost every fuzzed query before it is read.
    async with running_aigame(core, detail_rate_limit="100000 per 1 second") as gateway:
        user = await gateway.player(FUNDS)
        purse = Purse(core, [(gateway.settings.players.to_wallet(user), "USD")])
        yield AIGameFuzz(store_of(core.database_url), purse, user, gateway)


@pytest.fixture
async def hrg_fuzz(core: CoreHandle) -> AsyncIterator[HRGFuzz]:
    async with running_hrg(core) as gateway:
        user = await gateway.player(FUNDS)
        purse = Purse(core, [(gateway.settings.players.to_wallet(user), "USD")])
        yield HRGFuzz(store_of(core.database_url), purse, user, gateway)


@dataclass(repr=False)
class SudFuzz(Fuzzed):
    gateway: Sud


@pytest.fixture
async def sud_fuzz(core: CoreHandle) -> AsyncIterator[SudFuzz]:
    async with running_sud(core) as gateway:
        user = await gateway.player(FUNDS)
        purse = Purse(core, [(gateway.wallet_id(user), "USD")])
        yield SudFuzz(store_of(core.database_url), purse, user, gateway)
