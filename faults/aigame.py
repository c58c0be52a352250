"""AIGame as the simulator plays it: signed bets, payouts and refunds (aigame.md), signed with the
gateway's own signer through `wallet sign`'s helper (`wallet_cli.sign.signed_aigame`)."""

from __future__ import annotations

import time

import httpx

from faults.answers import Answer
from faults.config import AIGAME_AGENT, AIGAME_SECRET, CURRENCY
from faults.dialect import judge, money
from faults.oplog import ZERO, Operation, Round
from faults.wire import post
from gateways.aigame.app import PAYOUT_PATH, REFUND_PATH
from gateways.aigame.codes import SUCCESS
from gateways.aigame.provisional import Provisional
from gateways.kit.jsonbody import JsonObject
from wallet_cli.sign import signed_aigame, to_json
from wallet_core.domain import Kind

SERVICE_EXCEPTION = 800100
"""What AIGame is told when nothing was decided: it re-sends (or, for a bet, cancels it)."""
PROVISIONAL = Provisional()
TABLE: JsonObject = {"game_id": "101", "inst_id": "000002", "shoe_id": 10231, "round_id": 41}


def now_ms() -> int:
    return int(time.time() * 1000)


class Aigame:
    provider = "aigame"
    id_prefix = "a"
    reverses_settled = True

    def __init__(self, client: httpx.AsyncClient, base_url: str) -> None:
        self.client = client
        self.base_url = base_url

    async def _send(self, path: str, payload: JsonObject, *, refused: tuple[int, ...] = ()) -> Answer:
        params = signed_aigame(
            payload, agent_id=AIGAME_AGENT, secret=AIGAME_SECRET, nested=PROVISIONAL.nested_signing, now_ms=now_ms()
        )
        reply = await post(self.client, self.base_url + path, to_json(params).encode())
        return judge(reply, "code", SUCCESS, refused=refused, retryable=(SERVICE_EXCEPTION,))

    async def bet(self, r: Round, op: Operation) -> Answer:
        stake = money(op.amount)
        return await self._send(
            PROVISIONAL.bet_path,
            {
                "user_id": r.player,
                "currency": CURRENCY,
                **TABLE,
                "bet_txn_id": op.transaction_id,
                "bet_amount": stake,
                "bet_time": now_ms(),
                "bet_detail": {"Banker": stake},
            },
            refused=(PROVISIONAL.insufficient_balance_code, PROVISIONAL.bet_failure_code),
        )

    async def settle(self, r: Round, op: Operation) -> Answer:
        return await self._send(
            PAYOUT_PATH,
            {
                "user_id": r.player,
                "currency": CURRENCY,
                **TABLE,
                "bet_txn_id": op.transaction_id,
                "win_amount": money(op.amount),
                "pay_out_time": now_ms(),
            },
        )

    async def cancel(self, r: Round, op: Operation) -> Answer:
        paid = sum((o.amount for o in r.ops if o.kind is Kind.CREDIT), ZERO)
        return await self._send(
            REFUND_PATH,
            {
                "user_id": r.player,
                "currency": CURRENCY,
                "game_id": TABLE["game_id"],
                "bet_txn_id": op.transaction_id,
                "bet_amount": money(op.amount),
                "win_amount": money(paid) if op.reverses else "0",
                "status": 1 if op.reverses else 0,
                "bet_time": now_ms() - 1000,
                "refund_time": now_ms(),
            },
        )
