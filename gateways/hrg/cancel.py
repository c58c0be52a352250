"""POST {prefix}/cancel_bet: give a bet's stake back; the cancel's id is the bet's txId.

"0000" whenever the cancel stands: the stake given back now, the bet cancelled already (a repeat),
or the bet never received, which leaves a tombstone so that a late place_bet with that txId is
refused ("8001"). The core decides on one row per bet, so a cancel racing its place_bet ends with
the stake given back or never taken, never both and never neither. HRG's cancel names no amount
and no currency: the bet's own are used. It needs only `userId` and `txId`: `ts`, `reason`, the
round and the game are kept when sent (the event time is `ts` when readable, else when received).

A cancel the wallet cannot apply (the bet was already settled, or belongs to another player) is
not "0000": HRG re-sends it for 3 hours, then hands it to a person, and it is logged for review.
"""

from starlette.requests import Request
from starlette.responses import Response

from gateways.hrg.answers import balance_answer, success
from gateways.hrg.context import HRGContext, read_request
from gateways.hrg.requests import cancel_request
from gateways.hrg.settings import PROVIDER
from gateways.hrg.times import event_timestamp, format_time, format_timestamp, now
from gateways.kit.core_errors import CoreError
from gateways.kit.record import RequestRecord
from gateways.kit.review import for_review
from wallet.v1 import wallet_pb2

REFUSALS_FOR_REVIEW = frozenset({"ALREADY_SETTLED", "PLAYER_MISMATCH", "IDEMPOTENCY_CONFLICT", "CURRENCY_MISMATCH"})


async def cancel_bet(context: HRGContext, request: Request, record: RequestRecord) -> Response:
    body = await read_request(context, request)
    asked = cancel_request(body.params)
    record.transaction_id = asked.tx_id
    player_id = context.player_id(asked.user_id)
    rollback = wallet_pb2.RollbackRequest(
        provider=PROVIDER,
        transaction_id=asked.tx_id,
        reference_transaction_id=asked.tx_id,
        player_id=player_id,
        round_id=asked.round_id,
        game_id=asked.game_code,
        event_time=event_timestamp(asked.ts),
        raw_request=body.raw,
    )
    body.write_details(rollback.details, asked.typed)
    try:
        answer = await context.core.rollback(rollback, request_id=record.request_id)
    except CoreError as error:
        if error.reason in REFUSALS_FOR_REVIEW:
            for_review(
                record,
                "cancel_bet refused: HRG re-sends it for 3 hours, then a person must settle it",
                reason=error.reason,
                user_id=asked.user_id,
                core_metadata=error.metadata,
            )
        raise
    record.replay = answer.replay
    cancelled = answer.transaction
    if cancelled.balance_after:
        return balance_answer(cancelled.balance_after, format_timestamp(cancelled.created_at))
    # Nothing moved (a tombstone): the cancel stands whatever the balance lookup says.
    try:
        current = await context.core.get_balance(
            wallet_pb2.GetBalanceRequest(provider=PROVIDER, player_id=player_id, currency=context.settings.currency),
            request_id=record.request_id,
        )
    except CoreError:
        return success()
    return balance_answer(current.account.balance, format_time(now()))
