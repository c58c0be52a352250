"""GET /api/game/transaction/detail (seed 002): one bet record by its id, from the wallet's records.

Rate-limited per agent (one call per 5 s by default; a refused call does not count) after the
agent, signature and timestamp checks, so that nobody can spend an agent's allowance for it.
"""

from starlette.requests import Request
from starlette.responses import Response

from gateways.aigame.answers import success
from gateways.aigame.bet_record import bet_record
from gateways.aigame.context import AIGameContext
from gateways.aigame.requests import detail_request
from gateways.aigame.settings import PROVIDER
from gateways.kit.jsonbody import JsonObject
from gateways.kit.record import RequestRecord
from gateways.kit.refusals import GatewayReason, Refusal
from wallet.v1 import wallet_pb2


def _query(request: Request) -> JsonObject:
    items = request.query_params.multi_items()
    params: JsonObject = dict(items)
    if len(params) != len(items):
        raise Refusal(GatewayReason.MALFORMED_REQUEST, "a query parameter is repeated")
    return params


async def detail(context: AIGameContext, request: Request, record: RequestRecord) -> Response:
    params = _query(request)
    agent_id = context.authenticator.agent_of(params)
    await context.detail_limiter.check(agent_id)
    asked = detail_request(params)
    record.transaction_id = asked.txn_id
    answer = await context.core.get_transaction(
        wallet_pb2.GetTransactionRequest(
            provider=PROVIDER, transaction_id=asked.txn_id, kind=wallet_pb2.TRANSACTION_KIND_DEBIT
        ),
        request_id=record.request_id,
    )
    settings = context.settings
    return success(
        bet_record(
            answer,
            currencies=settings.currencies,
            players=settings.players,
            bet_detail_field=settings.provisional.bet_detail_field,
        )
    )
