"""POST {prefix}/get_balance: the player's balance in the HRG currency, as of now."""

from starlette.requests import Request
from starlette.responses import Response

from gateways.hrg.answers import balance_answer
from gateways.hrg.context import HRGContext, read_request
from gateways.hrg.requests import balance_request
from gateways.hrg.settings import PROVIDER
from gateways.hrg.times import format_time, now
from gateways.kit.record import RequestRecord
from wallet.v1 import wallet_pb2


async def get_balance(context: HRGContext, request: Request, record: RequestRecord) -> Response:
    body = await read_request(context, request)
    asked = balance_request(body.params)
    answer = await context.core.get_balance(
        wallet_pb2.GetBalanceRequest(
            provider=PROVIDER, player_id=context.player_id(asked.user_id), currency=context.settings.currency
        ),
        request_id=record.request_id,
    )
    return balance_answer(answer.account.balance, format_time(now()))
