"""POST /aigame/v1/wallet/balance: the player's balance."""

from starlette.requests import Request
from starlette.responses import Response

from gateways.aigame.answers import balance_answer
from gateways.aigame.context import AIGameContext, read_signed_body
from gateways.aigame.requests import balance_request
from gateways.aigame.settings import PROVIDER
from gateways.kit.record import RequestRecord
from wallet.v1 import wallet_pb2


async def balance(context: AIGameContext, request: Request, record: RequestRecord) -> Response:
    body = await read_signed_body(context, request)
    asked = balance_request(body.params)
    answer = await context.core.get_balance(
        wallet_pb2.GetBalanceRequest(
            provider=PROVIDER,
            player_id=context.player_id(asked.user_id),
            currency=context.settings.currencies.to_wallet(asked.currency),
        ),
        request_id=record.request_id,
    )
    return balance_answer(answer.account.balance, asked.currency)
