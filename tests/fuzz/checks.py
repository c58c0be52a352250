"""What every fuzzed answer must be, whatever was sent: the dialect's envelope, and nothing moved.

- HTTP 200 with one JSON object in the dialect's envelope, a code the provider's page lists, and
  only the gateway's fixed texts: never a stack trace, an exception's text or the input echoed.
- No money moved by a refusal: the funded players' balances, read from the core, are unchanged.
- No bug behind an answer (tests/support/logs.py): nothing logged at ERROR (a gateway logs a crash,
  with its traceback, on `gateways.errors`), and no "store unavailable" (bad input is not an outage).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx

from gateways.aigame.codes import MESSAGES as AIGAME_MESSAGES
from gateways.aigame.codes import PROVISIONAL_MESSAGES as AIGAME_PROVISIONAL_MESSAGES
from gateways.sud.codes import MESSAGES as SUD_MESSAGES
from tests.support.core import CoreHandle

LEAKS = re.compile(r"Traceback|File \"|\.py\b|Exception|Error\b|line [0-9]+|<[a-z_.]+ object at")

# The codes each provider's page (docs/providers/*.md) says the gateway answers.
AIGAME_CODES = frozenset({
    200, 408000, 408003, 408004, 600100, 700101, 700237, 800100, 800101, 800102, 800103, 800104, 800106,
    800107, 800108, 800109,
})  # fmt: skip
HRG_CODES = frozenset({"0000", "8001", "1000", "1001", "1038", "9999"})
HRG_MESSAGES = frozenset({"bet failed", "error", "invalid user", "invalid parameters", "not allowed"})
SUD_CODES = frozenset({0, 9000, 9001, *range(1001, 1014), 1500, 1999})
_DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")
_HRG_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}\+0800")


def _reject_constant(name: str) -> Any:
    raise AssertionError(f"the answer holds {name}, which is not JSON")


def answer_of(response: httpx.Response) -> dict[str, Any]:
    """The answer's JSON object: HTTP 200, strict JSON, no leaked text."""
    assert response.status_code == 200, (response.status_code, response.text[:500])
    assert response.headers["content-type"].startswith("application/json"), response.headers
    assert not LEAKS.search(response.text), response.text[:500]
    answer = json.loads(response.text, parse_constant=_reject_constant)
    assert isinstance(answer, dict), answer
    return answer


def aigame_code(response: httpx.Response) -> int:
    """AIGame's envelope (aigame.md): {"code": int, "message": str, "data": object | null}."""
    answer = answer_of(response)
    assert set(answer) == {"code", "message", "data"}, answer
    code, message, data = answer["code"], answer["message"], answer["data"]
    assert type(code) is int and code in AIGAME_CODES, answer
    assert message in {*AIGAME_MESSAGES.values(), *AIGAME_PROVISIONAL_MESSAGES.values()}, answer
    if code == 200:
        assert isinstance(data, dict), answer
        if "balance" in data:
            assert set(data) == {"balance", "currency"} and _DECIMAL.fullmatch(data["balance"]), answer
    else:
        assert data is None, answer
    return code


def hrg_code(response: httpx.Response) -> str:
    """HRG's envelope (hrg.md): {"code": "0000", ["balance", "balanceTs"]} or {"code", "desc", "msg"}."""
    answer = answer_of(response)
    code = answer["code"]
    assert isinstance(code, str) and code in HRG_CODES, answer
    if code == "0000":
        assert set(answer) in ({"code"}, {"code", "balance", "balanceTs"}), answer
        if "balance" in answer:
            assert _DECIMAL.fullmatch(answer["balance"]) and _HRG_TIME.fullmatch(answer["balanceTs"]), answer
    else:
        assert set(answer) == {"code", "desc", "msg"} and answer["desc"] == answer["msg"] in HRG_MESSAGES, answer
    return code


def sud_code(response: httpx.Response) -> int:
    """SUD's envelope (sud.md): {"ret_code": int, "ret_msg": str} (+ "data": {"score": int})."""
    answer = answer_of(response)
    code = answer["ret_code"]
    assert type(code) is int and code in SUD_CODES, answer
    assert answer["ret_msg"] == SUD_MESSAGES[code], answer
    if "data" in answer:
        assert code == 0 and set(answer) == {"ret_code", "ret_msg", "data"}, answer
        assert set(answer["data"]) == {"score"} and type(answer["data"]["score"]) is int, answer
    else:
        assert set(answer) == {"ret_code", "ret_msg"}, answer
    return code


@dataclass
class Purse:
    """The funded players of a fuzz run, and their total balance as the core tells it."""

    core: CoreHandle
    accounts: Sequence[tuple[str, str]]
    """(wallet player id, currency)."""

    async def total(self) -> Decimal:
        return sum([await self.core.balance(player, currency) for player, currency in self.accounts], Decimal(0))
