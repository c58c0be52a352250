"""``[core.providers.<name>] max_payout_multiple``: the defaults, an override, off, and what is refused;
and the core writing them where its fast paths read them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.support.core import CoreHandle
from tests.wallet_core.helpers import rows
from wallet_core.config import DEFAULT_MAX_PAYOUT_MULTIPLES, ConfigError, CoreSettings
from wallet_core.store.holds import payout_limits


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
        ({"aigame": {"max_payout": 3}}, "takes one key"),
        ({"aigame": 3}, "takes one key"),
        ([], r"\[core.providers\] must be a table"),
    ],
)
def test_a_wrong_limit_is_refused_saying_where(providers: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        multiples(providers)


async def test_the_core_writes_its_limits_where_the_fast_paths_read_them(core: CoreHandle) -> None:
    stored = {row["provider"]: row["max_payout_multiple"] for row in await rows(core, select(payout_limits))}
    assert stored == DEFAULT_MAX_PAYOUT_MULTIPLES
