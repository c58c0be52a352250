"""AIGame plugged into the conformance suite every gateway passes."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from tests.gateways.aigame.conftest import WALLET, AIGame
from tests.gateways.aigame.vendor import Vendor, now_ms, vendor_sign
from tests.gateways.conformance import ExpectedCodes, GatewayAdapter, GatewayConformance, Outcome

PARAMETER_ERROR = "408000"


def spoil(params: dict[str, Any]) -> dict[str, Any]:
    sign = params["sign"]
    return {**params, "sign": sign[:-1] + ("0" if sign[-1] != "0" else "1")}


class AIGameAdapter:
    currency = "USD"
    codes = ExpectedCodes(
        bad_signature="600100",
        unknown_bet="800107",
        bet_after_cancel="800106",
        payout_after_cancel="800109",
        bad_input={
            "malformed_json": PARAMETER_ERROR,
            "not_an_object": PARAMETER_ERROR,
            "missing_field": PARAMETER_ERROR,
            "mistyped_field": PARAMETER_ERROR,
            "negative_amount": PARAMETER_ERROR,
            "over_precise_amount": PARAMETER_ERROR,
            "exponent_amount": PARAMETER_ERROR,
            "nan_amount": PARAMETER_ERROR,
            "unknown_currency": "800102",
            "stale_timestamp": PARAMETER_ERROR,
            "bad_signature": "600100",
            "unknown_agent": "600100",
            "oversized_body": PARAMETER_ERROR,
        },
    )

    def __init__(self, aigame: AIGame) -> None:
        self.aigame = aigame
        self.vendor = aigame.vendor

    def wallet_player_id(self, user_id: str) -> str:
        return self.aigame.settings.players.to_wallet(user_id)

    async def _send(self, endpoint: str, body: bytes | dict[str, Any]) -> Outcome:
        content = body if isinstance(body, bytes) else json.dumps(body).encode()
        response = await self.aigame.client.post(
            f"{WALLET}/{endpoint}", content=content, headers={"content-type": "application/json"}
        )
        assert response.status_code == 200, response.text
        answer = response.json()
        assert isinstance(answer["code"], int)
        data = answer.get("data") or {}
        balance = data.get("balance")
        return Outcome(answer["code"] == 200, str(answer["code"]), Decimal(balance) if balance is not None else None)

    async def balance(self, user_id: str) -> Outcome:
        return await self._send("balance", self.vendor.balance(user_id))

    async def bet(self, user_id: str, bet_id: str, amount: str, *, bad_signature: bool = False) -> Outcome:
        body = self.vendor.bet(user_id, bet_id, amount)
        return await self._send("bet", spoil(body) if bad_signature else body)

    async def payout(
        self, user_id: str, bet_id: str, amount: str, *, bad_signature: bool = False, bare: bool = False
    ) -> Outcome:
        vendor = self.vendor
        body = vendor.bare_payout(user_id, bet_id, amount) if bare else vendor.payout(user_id, bet_id, amount)
        return await self._send("payout", spoil(body) if bad_signature else body)

    async def cancel(
        self, user_id: str, bet_id: str, amount: str, *, bad_signature: bool = False, bare: bool = False
    ) -> Outcome:
        vendor = self.vendor
        body = vendor.bare_refund(user_id, bet_id, amount) if bare else vendor.refund(user_id, bet_id, amount)
        return await self._send("refund", spoil(body) if bad_signature else body)

    def _bet_fields(self, user_id: str, bet_id: str, amount: str) -> dict[str, Any]:
        body = self.vendor.bet(user_id, bet_id, amount)
        return {key: value for key, value in body.items() if key not in ("agent_id", "timestamp", "sign")}

    async def bad_input(self, case: str, user_id: str, bet_id: str, amount: str) -> Outcome:
        fields = self._bet_fields(user_id, bet_id, amount)
        signed = self.vendor.signed
        bodies: dict[str, bytes | dict[str, Any]] = {
            "malformed_json": b'{"agent_id": "agent001", "bet_txn_id": ',
            "not_an_object": json.dumps([signed(fields)]).encode(),
            "missing_field": signed({k: v for k, v in fields.items() if k != "bet_amount"}),
            "mistyped_field": signed({**fields, "bet_amount": int(Decimal(amount))}),
            "negative_amount": signed({**fields, "bet_amount": f"-{amount}"}),
            "over_precise_amount": signed({**fields, "bet_amount": f"{amount}1"}),
            "exponent_amount": signed({**fields, "bet_amount": "1E1"}),
            "nan_amount": signed({**fields, "bet_amount": "NaN"}),
            "unknown_currency": signed({**fields, "currency": "XXX"}),
            "stale_timestamp": signed(fields, timestamp=now_ms() - 11 * 60 * 1000),
            "bad_signature": spoil(signed(fields)),
            "unknown_agent": self._unknown_agent(fields),
            "oversized_body": signed({**fields, "bet_detail": {"Banker": 10, "padding": "x" * 70_000}}),
        }
        return await self._send("bet", bodies[case])

    def _unknown_agent(self, fields: dict[str, Any]) -> dict[str, Any]:
        params = {"agent_id": "agent999", **fields, "timestamp": now_ms()}
        params["sign"] = vendor_sign(params, Vendor().secret)
        return params


class TestAIGameConformance(GatewayConformance):
    @pytest.fixture
    def adapter(self, aigame: AIGame) -> GatewayAdapter:
        return AIGameAdapter(aigame)
