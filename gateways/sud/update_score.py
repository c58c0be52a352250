"""POST /sud/v1/update_score: SUD's older direct callback, signed like the notifications.

`type` 1 (consume) debits `score` points, `type` 2 (gain) credits them (a credit with no bet); the
transaction id is SUD's `order_id` behind `Settings.update_score_id_prefix` ("us:"), which keeps it
apart from buy-ins and settlement rows (settings.py), and the answer is the balance right after, in whole points
(`data.score`, floored when the balance is not a whole number of points: display only).
9000: insufficient balance (decided: a re-send gets 9000 again). 9001: the order id was used before
for a different request, or (provisional, see Provisional.update_score_replay_answer) an identical
repeat of an order already applied; nothing moves either way. The (kind, order_id) key makes a
consume and a gain that share an order id two distinct orders.
"""

import grpc
from starlette.requests import Request
from starlette.responses import Response

from gateways.kit.core_errors import CoreError
from gateways.kit.record import RequestRecord
from gateways.sud.answers import success
from gateways.sud.context import SudContext, note_unknown_fields, read_signed_body
from gateways.sud.provisional import ReplayAnswer
from gateways.sud.requests import ScoreType, held_by_typed_fields, update_score
from gateways.sud.settings import PROVIDER
from wallet.v1 import wallet_pb2


def _repeated_order(order_id: str) -> CoreError:
    """The repeat of an applied order, answered like the core's refusal of a reused id (9001)."""
    return CoreError(
        grpc.StatusCode.ALREADY_EXISTS,
        "IDEMPOTENCY_CONFLICT",
        {"order_id": order_id, "replay": "true"},
        "an identical repeat of an applied order: nothing moved, answered as a duplicate order id",
    )


async def score_updated(context: SudContext, request: Request, record: RequestRecord) -> Response:
    settings = context.settings
    body = await read_signed_body(context, request)
    asked = update_score(body.params)
    record.transaction_id = asked.order_id
    transaction_id = settings.update_score_id_prefix + asked.order_id
    note_unknown_fields(record, asked.unknown, order_id=asked.order_id)
    player_id = context.player_id(asked.uid)
    amount = settings.points.to_amount(asked.score)
    held = held_by_typed_fields(body.params)
    answer: wallet_pb2.DebitResponse | wallet_pb2.CreditResponse
    if asked.type is ScoreType.CONSUME:
        debit = wallet_pb2.DebitRequest(
            provider=PROVIDER,
            transaction_id=transaction_id,
            player_id=player_id,
            currency=settings.currency,
            amount=amount,
            round_id=asked.round_id,
            game_id=asked.mg_id,
            raw_request=body.raw,
        )
        body.write_details(debit.details, held)
        answer = await context.core.debit(debit, request_id=record.request_id)
    else:
        credit = wallet_pb2.CreditRequest(
            provider=PROVIDER,
            transaction_id=transaction_id,
            player_id=player_id,
            currency=settings.currency,
            amount=amount,
            round_id=asked.round_id,
            game_id=asked.mg_id,
            raw_request=body.raw,
        )
        body.write_details(credit.details, held)
        answer = await context.core.credit(credit, request_id=record.request_id)
    record.replay = answer.replay
    if answer.replay and settings.provisional.update_score_replay_answer is ReplayAnswer.DUPLICATE:
        raise _repeated_order(asked.order_id)
    return success({"score": settings.points.points_shown(answer.transaction.balance_after)})
