"""HRG as the simulator plays it: place_bet, settle and cancel_bet (hrg.md), times written by the
gateway's own `format_time` (GMT+8, 28 characters)."""

from __future__ import annotations

import json

import httpx

from faults.answers import Answer
from faults.dialect import judge, money
from faults.oplog import Operation, Round
from faults.wire import post
from gateways.hrg.codes import BET_FAILED, OTHER_ERROR, SUCCESS
from gateways.hrg.times import format_time, now
from gateways.kit.jsonbody import JsonObject

PREFIX = "/hrg"
GAME: JsonObject = {"gameType": "LIVE", "gameCode": "BACCARAT"}


class Hrg:
    provider = "hrg"
    id_prefix = "h"
    reverses_settled = False

    def __init__(self, client: httpx.AsyncClient, base_url: str) -> None:
        self.client = client
        self.base_url = base_url + PREFIX

    async def _send(self, action: str, payload: JsonObject, *, refused: tuple[str, ...] = ()) -> Answer:
        reply = await post(self.client, f"{self.base_url}/{action}", json.dumps(payload).encode())
        return judge(reply, "code", SUCCESS, refused=refused, retryable=(OTHER_ERROR,))

    async def bet(self, r: Round, op: Operation) -> Answer:
        at = format_time(now())
        return await self._send(
            "place_bet",
            {
                "ts": at,
                **GAME,
                "userId": r.player,
                "roundId": f"R-{op.transaction_id}",
                "txId": op.transaction_id,
                "tableId": "T01",
                "betTime": at,
                "betAmount": money(op.amount),
                "category": "BANKER",
            },
            refused=(BET_FAILED,),
        )

    async def settle(self, r: Round, op: Operation) -> Answer:
        at = format_time(now())
        stake = money(r.bet.amount if r.bet else op.amount)
        won = op.amount > 0
        return await self._send(
            "settle",
            {
                "ts": at,
                "userId": r.player,
                "txId": op.transaction_id,
                "roundId": f"R-{op.transaction_id}",
                "betTime": at,
                "roundStartTime": at,
                **GAME,
                "betAmount": stake,
                "validBetAmount": stake,
                "winAmount": money(op.amount),
                "odds": "0.95" if won else "-1.0",
                "status": "WIN" if won else "LOSE",
                "result": ["H03", "C01", "C05", "S05"],
                "commission": "0.00",
            },
        )

    async def cancel(self, r: Round, op: Operation) -> Answer:
        return await self._send(
            "cancel_bet",
            {
                "ts": format_time(now()),
                "reason": "TIMEOUT",
                "userId": r.player,
                "txId": op.transaction_id,
                **GAME,
            },
        )
