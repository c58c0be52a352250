"""POST /aigame/v1/wallet/payout (seed 000): credit the gross win against its bet.

The payout's transaction id is the bet's id (`bet_txn_id`): AIGame pays a bet once. So:
- the same payout again (AIGame re-sends every minute until acknowledged) is a replay: success
  with the original result, nothing moves;
- a payout with a DIFFERENT amount for an already paid bet (a "secondary settlement") is an
  IDEMPOTENCY_CONFLICT in the core: it is NEVER paid, answered 800109 (payout failure) and logged
  for manual review. A correction is settled by hand, never by paying twice;
- a payout for a bet the wallet never saw is 800107, which AIGame retries (the win is not lost);
- a payout for a cancelled bet is refused (800109).

It is applied with only its money fields (gateways/aigame/requests.py): without `pay_out_time` the
core's receipt time is its event time.
"""

from starlette.requests import Request
from starlette.responses import Response

from gateways.aigame.answers import balance_answer
from gateways.aigame.context import AIGameContext, details_omitted, read_signed_body
from gateways.aigame.requests import payout_request
from gateways.aigame.settings import PROVIDER
from gateways.kit.core_errors import CoreError
from gateways.kit.record import RequestRecord
from gateways.kit.review import for_review
from gateways.kit.timestamps import set_ms
from wallet.v1 import wallet_pb2


async def payout(context: AIGameContext, request: Request, record: RequestRecord) -> Response:
    settings = context.settings
    body = await read_signed_body(context, request)
    asked = payout_request(body.params)
    record.transaction_id = asked.bet_txn_id
    credit = wallet_pb2.CreditRequest(
        provider=PROVIDER,
        transaction_id=asked.bet_txn_id,
        reference_transaction_id=asked.bet_txn_id,
        player_id=context.player_id(asked.user_id),
        currency=settings.currencies.to_wallet(asked.currency),
        amount=asked.win_amount,
        round_id=asked.round_id,
        game_id=asked.game_id,
        table_id=asked.inst_id,
        raw_request=body.raw,
    )
    body.write_details(credit.details, details_omitted(asked.typed))
    if asked.pay_out_time is not None:
        set_ms(credit.event_time, asked.pay_out_time)
    try:
        answer = await context.core.credit(credit, request_id=record.request_id)
    except CoreError as error:
        if error.reason == "IDEMPOTENCY_CONFLICT":
            for_review(
                record,
                "payout differs from the one already recorded for this bet: not paid, review by hand",
                bet_txn_id=asked.bet_txn_id,
                user_id=asked.user_id,
                win_amount=asked.win_amount,
                currency=asked.currency,
                core_metadata=error.metadata,
            )
        raise
    record.replay = answer.replay
    return balance_answer(answer.transaction.balance_after, asked.currency)
