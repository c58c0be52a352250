"""The vendor-examples corpus: every request example a provider publishes, sent end to end.

Each provider keeps its examples as files in `tests/gateways/<provider>/vendor_examples/*.json`, one
example a file, the body exactly as the vendor's page or seed shows it:

    {
      "source": "seed 001 (HRG 4.4 Settle): the example request as printed",
      "players": {"hrgpl0001": "100.00"},           # opened first, with these wallet balances
      "before": [                                     # what must already have happened (each must succeed)
        {"endpoint": "place_bet", "body": {...}},
        {"endpoint": "core.Debit", "body": {"user_id": "u001", "transaction_id": "x", "amount": "1.00"}}
      ],
      "endpoint": "settle",                           # the dialect's endpoint (or SUD's notify path)
      "body": {...},                                  # as the vendor shows it
      "answer": "0000",                               # the dialect's success code, as text
      "moves": {"hrgpl0001": "0.0"}                   # each player's balance change, wallet currency
    }

A provider's test module gives a `VendorDialect` that signs and sends a body the way that vendor does
(with the secret and ids the provider's tests sign with: the file may name them under "signing"),
and calls `apply_example`: the example moves its money once, and the same request again moves
nothing and gets the same answer. `core.Debit` steps are the operator's own services debiting over
gRPC (SUD's buy-in), not the provider.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from tests.support.core import CoreHandle, bearer
from wallet.v1 import wallet_pb2

CORE_DEBIT = "core.Debit"


@dataclass(frozen=True)
class Step:
    endpoint: str
    body: Any


@dataclass(frozen=True)
class VendorExample:
    name: str
    source: str
    players: dict[str, Decimal]
    before: tuple[Step, ...]
    step: Step
    answer: str
    moves: dict[str, Decimal]
    signing: dict[str, str]

    @classmethod
    def load(cls, path: Path) -> VendorExample:
        data = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
        return cls(
            name=path.stem,
            source=data["source"],
            players={user: Decimal(balance) for user, balance in data.get("players", {}).items()},
            before=tuple(Step(item["endpoint"], item["body"]) for item in data.get("before", [])),
            step=Step(data["endpoint"], data["body"]),
            answer=str(data["answer"]),
            moves={user: Decimal(change) for user, change in data.get("moves", {}).items()},
            signing=data.get("signing", {}),
        )


def examples_in(folder: Path) -> list[VendorExample]:
    """Every example in `folder`, sorted by file name (a folder without one is a mistake)."""
    examples = [VendorExample.load(path) for path in sorted(folder.glob("*.json"))]
    assert examples, f"no vendor examples in {folder}"
    return examples


class VendorDialect(Protocol):
    """How one provider sends a request and how its users map to wallet accounts."""

    provider: str
    currency: str

    def wallet_player_id(self, user_id: str) -> str: ...

    async def send(self, endpoint: str, body: Any, signing: dict[str, str]) -> str:
        """Send `body` to `endpoint` signed as the vendor signs it (fresh envelope times where the
        dialect authenticates by time); the answer's code, as text."""
        ...


async def _core_debit(core: CoreHandle, dialect: VendorDialect, body: dict[str, Any]) -> None:
    await core.stub.Debit(
        wallet_pb2.DebitRequest(
            provider=dialect.provider,
            transaction_id=body["transaction_id"],
            player_id=dialect.wallet_player_id(body["user_id"]),
            currency=dialect.currency,
            amount=body["amount"],
        ),
        metadata=bearer(core.admin_token),
    )


async def _balances(core: CoreHandle, dialect: VendorDialect, users: list[str]) -> dict[str, Decimal]:
    return {user: await core.balance(dialect.wallet_player_id(user), dialect.currency) for user in users}


async def apply_example(core: CoreHandle, dialect: VendorDialect, example: VendorExample) -> None:
    """The example is answered `answer`, moves exactly `moves`, and a repeat moves nothing again."""
    for user, balance in example.players.items():
        await core.open_account(dialect.wallet_player_id(user), dialect.currency, str(balance))
    for step in example.before:
        if step.endpoint == CORE_DEBIT:
            await _core_debit(core, dialect, step.body)
        else:
            code = await dialect.send(step.endpoint, step.body, example.signing)
            assert code == example.answer, f"{example.name}: the step before, {step.endpoint}, answered {code}"
    users = sorted(example.players)
    start = await _balances(core, dialect, users)
    code = await dialect.send(example.step.endpoint, example.step.body, example.signing)
    assert code == example.answer, f"{example.name} ({example.source}) answered {code}"
    after = await _balances(core, dialect, users)
    moved = {user: after[user] - start[user] for user in users}
    assert moved == {user: example.moves.get(user, Decimal(0)) for user in users}, example.name
    again = await dialect.send(example.step.endpoint, example.step.body, example.signing)
    assert again == example.answer, f"{example.name}: the repeat answered {again}"
    assert await _balances(core, dialect, users) == after, f"{example.name}: the repeat moved money"
