"""SUD as the simulator plays it: the older `update_score` callback, and the `user.settle` notification
that pays a table's chips back against the buy-in (sud.md). Signed with the gateway's own signer
through `wallet sign`'s helper (`wallet_cli.sign.sud_headers`); 1 point = 1.00 USD (config.py)."""

from __future__ import annotations

import json
import secrets
import time
from decimal import Decimal

import httpx

from faults.answers import Answer
from faults.config import SUD_APP_ID, SUD_SECRET
from faults.dialect import judge
from faults.oplog import Operation, Outcome, Round
from faults.wire import Reply, post
from gateways.kit.jsonbody import JsonObject
from gateways.sud.app import NOTIFY_PATH, UPDATE_SCORE_PATH
from gateways.sud.codes import DUPLICATE_ORDER, INSUFFICIENT_BALANCE, RETRY_LATER, SUCCESS
from gateways.sud.requests import USER_SETTLE, ScoreType
from gateways.sud.settings import UPDATE_SCORE_ID_PREFIX
from wallet_cli.sign import sud_headers
from wallet_core.domain import Kind

MG_ID = "1461227817776713818"


def points(amount: Decimal) -> int:
    return int(amount)


def notify_id(op: Operation) -> str:
    """One notification per settlement: SUD re-delivers it under the same notify_id."""
    return f"n-{op.transaction_id}"


class Sud:
    provider = "sud"
    id_prefix = f"{UPDATE_SCORE_ID_PREFIX}s"
    """update_score orders are stored under the gateway's prefix (the default configuration): the
    operation's id is the ledger's, and SUD's order_id is what follows the prefix."""

    def __init__(self, client: httpx.AsyncClient, base_url: str) -> None:
        self.client = client
        self.base_url = base_url

    async def _post(self, path: str, payload: JsonObject) -> Reply:
        body = json.dumps(payload, separators=(",", ":")).encode()
        headers = dict(
            sud_headers(
                body,
                app_id=SUD_APP_ID,
                secret=SUD_SECRET,
                timestamp=str(int(time.time() * 1000)),
                nonce=secrets.token_hex(8),
            )
        )
        return await post(self.client, self.base_url + path, body, headers)

    async def update_score(self, r: Round, op: Operation) -> Answer:
        """type 1 consumes (a debit), type 2 gains (a credit). 9001, "duplicate order id", is how the
        gateway answers an identical repeat of an applied order: for a re-send, that is the acknowledgement."""
        kind = ScoreType.CONSUME if op.kind is Kind.DEBIT else ScoreType.GAIN
        order_id = op.transaction_id.removeprefix(UPDATE_SCORE_ID_PREFIX)
        reply = await self._post(
            UPDATE_SCORE_PATH,
            {
                "order_id": order_id,
                "mg_id": MG_ID,
                "round_id": f"r-{order_id}",
                "uid": r.player,
                "score": points(op.amount),
                "type": int(kind),
            },
        )
        resent = op.attempts > 1 or op.outcome is Outcome.ACKED
        if resent and reply.body is not None and reply.body.get("ret_code") == DUPLICATE_ORDER:
            return judge(reply, "ret_code", DUPLICATE_ORDER)
        return judge(
            reply, "ret_code", SUCCESS, refused=(INSUFFICIENT_BALANCE, DUPLICATE_ORDER), retryable=(RETRY_LATER,)
        )

    async def settle(self, r: Round, op: Operation) -> Answer:
        """The table's settlement: `op.amount` (the chips left) back against the buy-in, with a robot's row."""
        buy_in = r.bet
        assert buy_in is not None, "a settlement needs its buy-in"
        remain = points(op.amount)
        reply = await self._post(
            NOTIFY_PATH,
            {
                "notify_id": notify_id(op),
                "notify_time": str(int(time.time() * 1000)),
                "app_id": SUD_APP_ID,
                "notify_event": USER_SETTLE,
                "data": {
                    "mg_id": MG_ID,
                    "room_id": "9009",
                    "match_id": f"m-{op.transaction_id}",
                    "settle_at": str(int(time.time())),
                    "results": [
                        {
                            "uid": r.player,
                            "order_id": op.transaction_id,
                            "out_order_id": buy_in.transaction_id,
                            "is_ai": 0,
                            "score": remain - points(buy_in.amount),
                            "remain_score": remain,
                            "commission_score": 0,
                        },
                        {
                            "uid": "",
                            "order_id": f"robot-{op.transaction_id}",
                            "out_order_id": "",
                            "is_ai": 1,
                            "score": 5,
                            "remain_score": 50,
                        },
                    ],
                },
            },
        )
        return judge(reply, "ret_code", SUCCESS, retryable=(RETRY_LATER,))
