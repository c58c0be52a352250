"""HRG plugged into the conformance suite every gateway passes."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from tests.gateways.conformance import ExpectedCodes, GatewayAdapter, GatewayConformance, Outcome
from tests.gateways.hrg.conftest import HRG
from tests.gateways.hrg.vendor import GMT8, SECRET, hrg_time

INVALID_PARAMETERS = "1001"
WRONG_SECRET = SECRET[:-1] + ("0" if SECRET[-1] != "0" else "1")
# What the money of a settle and of a cancel depends on (HRG signs nothing: the secret is a header).
SETTLE_MONEY = ("userId", "txId", "winAmount")
CANCEL_MONEY = ("userId", "txId")


def only(names: tuple[str, ...], body: dict[str, Any]) -> dict[str, Any]:
    return {name: body[name] for name in names}


class HRGAdapter:
    currency = "USD"
    codes = ExpectedCodes(
        bad_signature="1038",
        unknown_bet="9999",
        bet_after_cancel="8001",
        payout_after_cancel="9999",
        bad_input={
            "malformed_json": INVALID_PARAMETERS,
            "not_an_object": INVALID_PARAMETERS,
            "missing_field": INVALID_PARAMETERS,
            "mistyped_field": INVALID_PARAMETERS,
            "negative_amount": INVALID_PARAMETERS,
            "over_precise_amount": INVALID_PARAMETERS,
            "exponent_amount": INVALID_PARAMETERS,
            "nan_amount": INVALID_PARAMETERS,
            # HRG names no currency: the gateway's one currency is configured.
            "stale_timestamp": INVALID_PARAMETERS,
            "bad_signature": "1038",
            # HRG has no agents.
            "oversized_body": INVALID_PARAMETERS,
        },
    )

    def __init__(self, hrg: HRG) -> None:
        self.hrg = hrg
        self.vendor = hrg.vendor

    def wallet_player_id(self, user_id: str) -> str:
        return self.hrg.settings.players.to_wallet(user_id)

    async def _send(self, action: str, body: bytes | dict[str, Any] | list[Any], *, bad_secret: bool) -> Outcome:
        answer = await self.hrg.send(action, body, secret=WRONG_SECRET if bad_secret else SECRET)
        balance = answer.get("balance")
        return Outcome(answer["code"] == "0000", answer["code"], Decimal(balance) if balance is not None else None)

    async def balance(self, user_id: str) -> Outcome:
        return await self._send("get_balance", self.vendor.get_balance(user_id), bad_secret=False)

    async def bet(self, user_id: str, bet_id: str, amount: str, *, bad_signature: bool = False) -> Outcome:
        return await self._send("place_bet", self.vendor.place_bet(user_id, bet_id, amount), bad_secret=bad_signature)

    async def payout(
        self, user_id: str, bet_id: str, amount: str, *, bad_signature: bool = False, bare: bool = False
    ) -> Outcome:
        body = self.vendor.settle(user_id, bet_id, "10.00", amount)
        return await self._send("settle", only(SETTLE_MONEY, body) if bare else body, bad_secret=bad_signature)

    async def cancel(
        self, user_id: str, bet_id: str, amount: str, *, bad_signature: bool = False, bare: bool = False
    ) -> Outcome:
        body = self.vendor.cancel_bet(user_id, bet_id)
        return await self._send("cancel_bet", only(CANCEL_MONEY, body) if bare else body, bad_secret=bad_signature)

    async def bad_input(self, case: str, user_id: str, bet_id: str, amount: str) -> Outcome:
        good = self.vendor.place_bet(user_id, bet_id, amount)
        stale = hrg_time(datetime.now(GMT8) - timedelta(hours=1))
        bodies: dict[str, bytes | dict[str, Any] | list[Any]] = {
            "malformed_json": b'{"userId": "' + user_id.encode() + b'", "txId": ',
            "not_an_object": [good],
            "missing_field": {k: v for k, v in good.items() if k != "betAmount"},
            "mistyped_field": {**good, "betAmount": int(Decimal(amount))},
            "negative_amount": {**good, "betAmount": f"-{amount}"},
            "over_precise_amount": {**good, "betAmount": f"{amount}001"},
            "exponent_amount": {**good, "betAmount": "1E1"},
            "nan_amount": {**good, "betAmount": "NaN"},
            "stale_timestamp": {**good, "ts": stale},
            "bad_signature": good,
            "oversized_body": {**good, "padding": "x" * 70_000},
        }
        body = bodies[case]
        return await self._send(
            "place_bet",
            json.dumps(body).encode() if not isinstance(body, bytes) else body,
            bad_secret=case == "bad_signature",
        )


class TestHRGConformance(GatewayConformance):
    @pytest.fixture
    def adapter(self, hrg: HRG) -> GatewayAdapter:
        return HRGAdapter(hrg)
