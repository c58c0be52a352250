"""`sud.mg.merchant.user.settle` (seed 003): pay each human's `remain_score` back against their buy-in.

Every human row becomes one credit: transaction id `order_id` (once per order_id), against the
buy-in bet `out_order_id` (the debit the operator's services made before the player sat down),
of `remain_score` points in the wallet currency. The row as sent (`score`, `commission_score`...) and
the notification's other fields (`mg_id`, `room_id`, `match_id`, `settle_at`...) stay on the record
(details), with the raw notification; none of them is needed (requests.py). `settle_at` is the event
time when it reads as one, in seconds or milliseconds. Robots (is_ai = 1) move nothing.

The whole notification is one CreditBatch: all or none, in one database transaction. If one
player's credit cannot be applied (unknown or cancelled buy-in, another player's buy-in...), none
is, SUD is answered non-zero and re-sends; the re-send then applies every credit exactly once,
and a re-send of an applied notification answers every credit as a replay.
"""

import logging

from gateways.kit.core_errors import CoreError
from gateways.kit.details import to_struct
from gateways.kit.logs import log_event
from gateways.kit.record import RequestRecord
from gateways.kit.request_body import RequestBody
from gateways.kit.review import for_review
from gateways.sud.context import SudContext, note_unknown_fields, notified
from gateways.sud.requests import Envelope, PlayerResult, UserSettle, user_settle
from gateways.sud.settings import PROVIDER
from gateways.sud.times import event_time
from wallet.v1 import wallet_pb2

LOG = logging.getLogger("gateways.sud")
NOT_APPLIED = "settlement not applied: one credit was refused, so none was"
SUD_RESENDS_INTO_SUCCESS = frozenset({"TRANSACTION_NOT_FOUND"})
"""A buy-in the wallet has not seen yet usually lands before SUD's re-send: not a case for a person (yet)."""


def _credit(
    context: SudContext, envelope: Envelope, settle: UserSettle, player: PlayerResult, body: RequestBody
) -> wallet_pb2.CreditRequest:
    settings = context.settings
    told = {**settle.described, **player.sent, **notified(envelope)}
    return wallet_pb2.CreditRequest(
        provider=PROVIDER,
        transaction_id=player.order_id,
        reference_transaction_id=player.out_order_id,
        player_id=context.player_id(player.uid),
        currency=settings.currency,
        amount=settings.points.to_amount(player.remain_score),
        round_id=settle.match_id,
        game_id=settle.mg_id,
        table_id=settle.room_id,
        details=to_struct(told),
        event_time=event_time(settle.settle_at),
        raw_request=body.raw,
    )


async def user_settled(context: SudContext, record: RequestRecord, envelope: Envelope, body: RequestBody) -> None:
    settle = user_settle(envelope.data)
    note_unknown_fields(record, settle.unknown, notify_id=envelope.notify_id)
    if not settle.players:
        log_event(
            LOG,
            logging.INFO,
            "settlement without human players: nothing moves",
            request_id=record.request_id,
            provider=PROVIDER,
            notify_id=envelope.notify_id,
            robots=settle.robots,
        )
        return
    credits = [_credit(context, envelope, settle, player, body) for player in settle.players]
    try:
        answer = await context.core.credit_batch(
            wallet_pb2.CreditBatchRequest(credits=credits), request_id=record.request_id
        )
    except CoreError as error:
        index = error.metadata.get("batch_index", "")
        player = settle.players[int(index)] if index.isdigit() and int(index) < len(settle.players) else None
        refused = {
            "notify_id": envelope.notify_id,
            "reason": error.reason,
            "order_id": player.order_id if player else None,
            "out_order_id": player.out_order_id if player else None,
            "uid": player.uid if player else None,
            "core_metadata": error.metadata,
        }
        if error.nothing_decided or error.reason in SUD_RESENDS_INTO_SUCCESS:
            log_event(LOG, logging.WARNING, NOT_APPLIED, request_id=record.request_id, provider=PROVIDER, **refused)
        else:
            for_review(record, NOT_APPLIED, **refused)
        raise
    record.replay = all(credit.replay for credit in answer.credits)
