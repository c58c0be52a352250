"""HRG's vendor examples (tests/gateways/hrg/vendor_examples/): each moves its money exactly once.

Seed 001 as printed, an example per action built from hrg.md's field lists (the vendor's bodies for
them are not public), and variants: each money callback with only its money fields, times in the
other shapes HRG sends, descriptive numbers unquoted, odd descriptive values. Sent end to end over
a real core on each store, with the shared secret header as HRG is configured to send it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from gateways.hrg import PROVIDER
from tests.fuzz.jsontext import body_of
from tests.gateways.hrg.conftest import CURRENCY, HRG
from tests.gateways.hrg.vendor import now_like
from tests.gateways.vendor_examples import VendorExample, apply_example, examples_in

EXAMPLES = examples_in(Path(__file__).parent / "vendor_examples")
WINDOWED = {"place_bet": "ts"}
"""The one time the gateway checks against a window: refreshed as HRG would stamp a new request.
Everything else, the money above all, is sent as the example has it."""


@dataclass
class HRGDialect:
    hrg: HRG
    provider: str = PROVIDER
    currency: str = CURRENCY

    def wallet_player_id(self, user_id: str) -> str:
        return self.hrg.settings.players.to_wallet(user_id)

    async def send(self, endpoint: str, body: Any, signing: dict[str, str]) -> str:
        field = WINDOWED.get(endpoint)
        if field is not None and isinstance(body, dict) and isinstance(body.get(field), str):
            body = {**body, field: now_like(body[field])}
        return await self.hrg.code(endpoint, body_of(body))


@pytest.mark.parametrize("example", EXAMPLES, ids=[example.name for example in EXAMPLES])
async def test_a_vendor_example_moves_its_money_once(hrg: HRG, example: VendorExample) -> None:
    await apply_example(hrg.core, HRGDialect(hrg), example)


def test_the_corpus_holds_seed_001_as_printed() -> None:
    """The seed's own body, field for field: no roundId, no tableId, a LOSE of 0.0."""
    [seed] = [example for example in EXAMPLES if example.name == "settle_seed_001"]
    assert "roundId" not in seed.step.body and "tableId" not in seed.step.body
    assert (seed.step.body["txId"], seed.step.body["winAmount"], seed.step.body["status"]) == (
        "AAA-251916",
        "0.0",
        "LOSE",
    )
    assert [step.body["betAmount"] for step in seed.before] == ["10.0"]
