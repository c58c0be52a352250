"""POST {prefix}/event_settle: promotion credits, one per settleId, all or none.

All the batch's items go to the core in one CreditBatch (one database transaction): either every
item is credited or none is, and the answer is "0000" only in the first case. Each item's
transaction id is `event_settle:` + its settleId, so that promotion ids can never meet the bets'
txIds (both are credits to the core); a settleId already credited is a replay and moves nothing,
so a re-sent batch, or a batch that repeats earlier items, credits each settleId once.

The raw body is kept with the batch's first credit; every other credit keeps its own item as JSON
(the whole body with each would grow with the square of the batch). Each credit's details hold its
item as sent plus the batch's `ts` (when sent), `batchIndex` and `batchSize`. The answer is
`{"code": "0000"}`: a batch may credit several players, so there is no one balance to answer.

Only `settles` and, per item, settleId, userId and amount are required; `eventId` (the round, when
a plain id) and `createTime` (the event time when readable, GMT+8 without an offset; else the
batch's `ts`; else when received) are descriptive (gateways/hrg/requests.py).
"""

import json
from decimal import Decimal

from starlette.requests import Request
from starlette.responses import Response

from gateways.hrg.answers import success
from gateways.hrg.context import HRGContext, read_request
from gateways.hrg.requests import EventSettle, event_settle_request
from gateways.hrg.settings import PROVIDER
from gateways.hrg.times import event_timestamp
from gateways.kit.details import to_struct
from gateways.kit.jsonbody import JsonValue
from gateways.kit.record import RequestRecord
from wallet.v1 import wallet_pb2

ID_PREFIX = "event_settle:"


def wallet_transaction_id(settle_id: str) -> str:
    return ID_PREFIX + settle_id


def _compact_json(value: JsonValue) -> str:
    """JSON text of a parsed value, numbers written exactly as parsed (no float)."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{_compact_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_compact_json(item) for item in value) + "]"
    if isinstance(value, Decimal):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _raw_item(item: EventSettle) -> str:
    return _compact_json(item.fields)


async def event_settle(context: HRGContext, request: Request, record: RequestRecord) -> Response:
    body = await read_request(context, request)
    asked = event_settle_request(body.params)
    # The batch's `ts` is kept with each item when HRG sent one (as sent: it is descriptive).
    batch = {"ts": body.params["ts"]} if "ts" in body.params else {}
    size = len(asked.settles)
    record.transaction_id = wallet_transaction_id(asked.settles[0].settle_id)
    credits = [
        wallet_pb2.CreditRequest(
            provider=PROVIDER,
            transaction_id=wallet_transaction_id(item.settle_id),
            player_id=context.player_id(item.user_id),
            currency=context.settings.currency,
            amount=item.amount,
            round_id=item.event_id,
            details=to_struct({**item.fields, **batch, "batchIndex": index, "batchSize": size}),
            event_time=event_timestamp(item.create_time or asked.ts),
            raw_request=body.raw if index == 0 else _raw_item(item),
        )
        for index, item in enumerate(asked.settles)
    ]
    answer = await context.core.credit_batch(
        wallet_pb2.CreditBatchRequest(credits=credits), request_id=record.request_id
    )
    record.replay = all(credit.replay for credit in answer.credits)
    return success()
