"""SUD's own examples (seed 003, SUD's callback pages) and their variants, sent end to end on each store.

Each file in `vendor_examples/` is one request (tests/gateways/vendor_examples.py gives the format).
SUD signs the raw body: the dialect sends the file's body as bytes (a body given as text, such as
seed 003's, exactly as printed; an object as `json.dumps` writes it), signed over those bytes with
fresh headers (`Sud-Timestamp` now, a new nonce) and the app id the file names under "signing";
the body itself, `notify_time` included, is never changed. Each example is answered 0, moves its
money once, and SUD's repeat is answered 0 and moves nothing. For that last point the gateway
answers an identical update_score repeat with success (`update_score_replay_answer = "success"`,
one of the provisional answers); the default answer, 9001, is checked in test_update_score.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from gateways.sud.settings import PROVIDER
from tests.gateways.sud.conftest import CURRENCY, Sud, SudFactory
from tests.gateways.vendor_examples import VendorExample, apply_example, examples_in

EXAMPLES = examples_in(Path(__file__).parent / "vendor_examples")


@dataclass
class SudDialect:
    sud: Sud
    provider: str = PROVIDER
    currency: str = CURRENCY

    def wallet_player_id(self, user_id: str) -> str:
        return self.sud.wallet_id(user_id)

    async def send(self, endpoint: str, body: Any, signing: dict[str, str]) -> str:
        raw = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        answer = await self.sud.send(endpoint, raw, self.sud.vendor.headers(raw))
        return str(answer["ret_code"])


@pytest.mark.parametrize("example", EXAMPLES, ids=[example.name for example in EXAMPLES])
async def test_the_vendor_example_moves_its_money_once(sud_factory: SudFactory, example: VendorExample) -> None:
    app_id = example.signing["app_id"]
    sud = await sud_factory(app_id=app_id, provisional={"update_score_replay_answer": "success"})
    sud.vendor.app_id = app_id
    await apply_example(sud.core, SudDialect(sud), example)


def test_the_corpus_holds_every_example_the_issue_names() -> None:
    names = {example.name for example in EXAMPLES}
    assert {
        "settle_seed_003",
        "settle_settle_at_milliseconds",
        "settle_out_order_id_64_characters",
        "order_changed_execute_fail_game_round_id",
        "order_changed_execute_fail_round_id",
        "order_changed_execute_success",
        "order_batch_changed_mix",
        "update_score_consume",
        "update_score_gain",
    } <= names
    bare = {name for name in names if name.endswith("_bare")}
    assert {"settle_bare", "order_changed_execute_fail_bare", "order_batch_changed_bare"} <= bare
