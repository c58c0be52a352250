"""POST /aigame/v1/wallet/bet (PROVISIONAL shape): debit a stake; the bet id is the idempotency key.

A repeat answers the original result (the balance right after the original debit) and moves
nothing; a bet whose id was cancelled first (a tombstone) is refused as a bet failure.
"""

from starlette.requests import Request
from starlette.responses import Response

from gateways.aigame.answers import balance_answer
from gateways.aigame.context import AIGameContext, details_omitted, read_signed_body
from gateways.aigame.requests import bet_request, bet_typed_fields
from gateways.aigame.settings import PROVIDER
from gateways.kit.record import RequestRecord
from gateways.kit.timestamps import set_ms
from wallet.v1 import wallet_pb2


async def bet(context: AIGameContext, request: Request, record: RequestRecord) -> Response:
    settings = context.settings
    body = await read_signed_body(context, request)
    asked = bet_request(body.params, settings.provisional)
    record.transaction_id = asked.bet_txn_id
    debit = wallet_pb2.DebitRequest(
        provider=PROVIDER,
        transaction_id=asked.bet_txn_id,
        player_id=context.player_id(asked.user_id),
        currency=settings.currencies.to_wallet(asked.currency),
        amount=asked.bet_amount,
        round_id=asked.round_id,
        game_id=asked.game_id,
        table_id=asked.inst_id,
        raw_request=body.raw,
    )
    body.write_details(debit.details, details_omitted(bet_typed_fields(settings.provisional)))
    if asked.bet_time is not None:
        set_ms(debit.event_time, asked.bet_time)
    answer = await context.core.debit(debit, request_id=record.request_id)
    record.replay = answer.replay
    return balance_answer(answer.transaction.balance_after, asked.currency)
