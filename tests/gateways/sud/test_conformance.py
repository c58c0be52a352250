"""SUD plugged into the conformance suite every gateway passes.

SUD's shape differs from a wallet-call dialect, so the suite's four operations map as follows:
- bet: the buy-in. The operator's own services debit it over gRPC (provider "sud", transaction id
  = out_order_id) before asking SUD to add the score; SUD never sends it.
- payout: a signed `user.settle` notification paying `remain_score` back against that out_order_id
  (with a robot at the table), under an order_id derived from the bet, so that a repeat is SUD's
  re-send of the same settlement.
- cancel: a signed `order.changed` EXECUTE_FAIL notification for that out_order_id.
- bare: the notification with only what the money depends on (requests.py): the envelope's
  app_id, notify_event and data; a settlement's results with uid, order_id, out_order_id, is_ai and
  remain_score; a failed order's status, out_order_id and from_uid.
- bad input: SUD's one signed debit, `update_score` type 1, spoilt (its order_id is the bet's id, so
  that a spoilt request that got through would have taken the money the suite then checks).

Not applicable, and skipped:
- balance: SUD has no balance query (update_score answers a balance, but only while moving money).
- bet with a bad signature: the buy-in is not a SUD request; no SUD signature covers it (the core's
  bearer token does).
- unknown_currency: SUD sends no currency; the wallet currency is the gateway's configuration.
The suite's amounts are wallet amounts: with 1 point = 0.01 USD, STAKE "10.00" is 1000 points and
WIN "19.50" is 1950.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import grpc
import pytest

from gateways.kit.core_errors import CoreError
from tests.gateways.conformance import ExpectedCodes, GatewayAdapter, GatewayConformance, Outcome
from tests.gateways.sud.conftest import CURRENCY, Sud
from tests.gateways.sud.vendor import APP_ID, ORDER_CHANGED, USER_SETTLE, human, now_ms, robot, spoilt

BAD_REQUEST = "1001"


def bare_envelope(event: str, data: dict[str, Any]) -> dict[str, Any]:
    """A notification without notify_id or notify_time: neither is needed to move its money."""
    return {"app_id": APP_ID, "notify_event": event, "data": data}


class SudAdapter:
    currency = CURRENCY
    codes = ExpectedCodes(
        bad_signature="1003",
        unknown_bet="1009",
        bet_after_cancel="ALREADY_ROLLED_BACK",  # the core's refusal of the operator's late buy-in
        payout_after_cancel="1010",
        bad_input={
            "malformed_json": BAD_REQUEST,
            "not_an_object": BAD_REQUEST,
            "missing_field": BAD_REQUEST,
            "mistyped_field": BAD_REQUEST,
            "negative_amount": BAD_REQUEST,
            "over_precise_amount": BAD_REQUEST,
            "exponent_amount": BAD_REQUEST,
            "nan_amount": BAD_REQUEST,
            "stale_timestamp": "1005",
            "bad_signature": "1003",
            "unknown_agent": "1004",
            "oversized_body": "1002",
        },
    )

    def __init__(self, sud: Sud) -> None:
        self.sud = sud
        self.vendor = sud.vendor

    def wallet_player_id(self, user_id: str) -> str:
        return self.sud.wallet_id(user_id)

    def _points(self, amount: str) -> int:
        points = Decimal(amount) / self.sud.settings.points.point_value
        assert points == points.to_integral_value(), f"{amount} is not a whole number of points"
        return int(points)

    async def _send(
        self,
        path: str,
        body: bytes | dict[str, Any],
        *,
        bad_signature: bool = False,
        headers: dict[str, str] | None = None,
    ) -> Outcome:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        sent = headers or self.vendor.headers(raw)
        if bad_signature:
            sent = {**sent, "Sud-Signature": spoilt(sent["Sud-Signature"])}
        answer = await self.sud.send(path, raw, sent)
        score = (answer.get("data") or {}).get("score")
        balance = None if score is None else Decimal(score) * self.sud.settings.points.point_value
        return Outcome(answer["ret_code"] == 0, str(answer["ret_code"]), balance)

    async def balance(self, user_id: str) -> Outcome:
        pytest.skip("SUD has no balance query: update_score answers a balance only while moving money")

    async def bet(self, user_id: str, bet_id: str, amount: str, *, bad_signature: bool = False) -> Outcome:
        if bad_signature:
            pytest.skip("the buy-in comes from the operator's services over gRPC: no SUD signature covers it")
        try:
            answer = await self.sud.buy_in(user_id, bet_id, amount)
        except grpc.aio.AioRpcError as error:
            return Outcome(False, CoreError.from_rpc_error(error).reason)
        return Outcome(True, "OK", Decimal(answer.transaction.balance_after))

    async def payout(
        self, user_id: str, bet_id: str, amount: str, *, bad_signature: bool = False, bare: bool = False
    ) -> Outcome:
        row = human(user_id, f"settle-{bet_id}", bet_id, remain_score=self._points(amount))
        if bare:
            money = {key: row[key] for key in ("uid", "order_id", "out_order_id", "is_ai", "remain_score")}
            body = bare_envelope(USER_SETTLE, {"results": [money, {"is_ai": 1}]})
        else:
            body = self.vendor.settle([row, robot()], notify_id=f"notify-settle-{bet_id}")
        return await self._send("/sud/v1/notify", body, bad_signature=bad_signature)

    async def cancel(
        self, user_id: str, bet_id: str, amount: str, *, bad_signature: bool = False, bare: bool = False
    ) -> Outcome:
        if bare:
            body = bare_envelope(ORDER_CHANGED, {"status": "EXECUTE_FAIL", "out_order_id": bet_id, "from_uid": user_id})
        else:
            body = self.vendor.order_changed(user_id, bet_id, value=self._points(amount), notify_id=f"notify-{bet_id}")
        return await self._send("/sud/v1/notify", body, bad_signature=bad_signature)

    async def bad_input(self, case: str, user_id: str, bet_id: str, amount: str) -> Outcome:
        good = self.vendor.update_score(user_id, bet_id, self._points(amount), 1)
        text = json.dumps(good)
        score = f'"score": {good["score"]}'
        bodies: dict[str, bytes | dict[str, Any]] = {
            "malformed_json": text[:-10].encode(),
            "not_an_object": json.dumps([good]).encode(),
            "missing_field": {key: value for key, value in good.items() if key != "score"},
            "mistyped_field": {**good, "score": str(good["score"])},
            "negative_amount": {**good, "score": -good["score"]},
            "over_precise_amount": text.replace(score, f'"score": {good["score"]}.5').encode(),
            "exponent_amount": text.replace(score, f'"score": {good["score"] // 100}e2').encode(),
            "nan_amount": text.replace(score, '"score": NaN').encode(),
            "stale_timestamp": good,
            "bad_signature": good,
            "unknown_agent": good,
            "oversized_body": {**good, "padding": "x" * 70_000},
        }
        raw = json.dumps(bodies[case]).encode() if isinstance(bodies[case], dict) else bodies[case]
        assert isinstance(raw, bytes)
        headers = {
            "stale_timestamp": self.vendor.headers(raw, timestamp=str(now_ms() - 11 * 60 * 1000)),
            "unknown_agent": self.vendor.headers(raw, app_id="another-app"),
        }.get(case)
        return await self._send("/sud/v1/update_score", raw, bad_signature=case == "bad_signature", headers=headers)


class TestSudConformance(GatewayConformance):
    @pytest.fixture
    def adapter(self, sud: Sud) -> GatewayAdapter:
        return SudAdapter(sud)
