"""POST {prefix}/place_bet: debit a stake; HRG's txId is the idempotency key.

- A repeat answers the original result (the balance right after the original debit, with that
  moment as `balanceTs`) and moves nothing.
- "8001" (definitely failed) only for the refusals the core records under the txId: insufficient
  funds, and a bet whose txId was cancelled first (the tombstone). Every retry gets them again.
- Anything else that is not "0000" makes HRG cancel the txId (codes.py), so the stake is either
  given back or never taken, whichever of the bet and its cancel reaches the core first.
- `ts` must be within `timestamp_window_seconds` of now: an old place_bet is refused (and then
  cancelled by HRG) rather than taking a stake HRG may have given up on. The retried actions
  (cancel_bet, settle, event_settle) are never refused for their age, nor for their `ts`.
- Only who, which txId, how much and `ts` are required (gateways/hrg/requests.py): the round,
  table, game and `betTime` are kept when sent; the event time is `betTime`, else `ts`.
"""

from starlette.requests import Request
from starlette.responses import Response

from gateways.hrg.answers import balance_answer
from gateways.hrg.context import HRGContext, read_request
from gateways.hrg.requests import bet_request
from gateways.hrg.settings import PROVIDER
from gateways.hrg.times import event_timestamp, format_timestamp, ms_since_epoch
from gateways.kit.core_errors import CoreError
from gateways.kit.record import RequestRecord
from gateways.kit.review import for_review
from wallet.v1 import wallet_pb2


async def place_bet(context: HRGContext, request: Request, record: RequestRecord) -> Response:
    body = await read_request(context, request)
    asked = bet_request(body.params)
    record.transaction_id = asked.tx_id
    context.place_bet_window.check_ms(ms_since_epoch(asked.ts))
    debit = wallet_pb2.DebitRequest(
        provider=PROVIDER,
        transaction_id=asked.tx_id,
        player_id=context.player_id(asked.user_id),
        currency=context.settings.currency,
        amount=asked.bet_amount,
        round_id=asked.round_id,
        game_id=asked.game_code,
        table_id=asked.table_id,
        event_time=event_timestamp(asked.bet_time or asked.ts),
        raw_request=body.raw,
    )
    body.write_details(debit.details, asked.typed)
    try:
        answer = await context.core.debit(debit, request_id=record.request_id)
    except CoreError as error:
        if error.reason == "IDEMPOTENCY_CONFLICT":
            for_review(
                record,
                "place_bet reuses a txId with another player or amount: HRG will cancel that txId",
                user_id=asked.user_id,
                bet_amount=asked.bet_amount,
                core_metadata=error.metadata,
            )
        raise
    record.replay = answer.replay
    placed = answer.transaction
    return balance_answer(placed.balance_after, format_timestamp(placed.created_at))
