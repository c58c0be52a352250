"""`sud.mg.merchant.order.changed`: an `add_score` order SUD could not execute gives its buy-in back.

On EXECUTE_FAIL the buy-in never reached the table: the debit made under `out_order_id` is rolled
back. The rollback's own id is `out_order_id` too (a rollback's ids are scoped apart from debits'),
so one buy-in has at most one rollback however often, and under whatever notify_id or in whatever
notification (single or batch), SUD repeats the news: a repeat is a replay and moves nothing. A
rollback for a buy-in the wallet never saw succeeds and leaves a tombstone, so that the late debit
is refused. No amount is sent: a cancel gives back the stake the wallet recorded, never a figure
that could disagree with it.

Any other status (CREATED, EXECUTING, EXECUTE_SUCCESS, or one SUD adds later) moves nothing.
A failed order whose buy-in was already settled cannot be undone by this: it is refused, stays
refused on every re-send, and is logged for review.
"""

import logging

from gateways.kit.core_errors import CoreError
from gateways.kit.details import to_struct
from gateways.kit.jsonbody import JsonObject
from gateways.kit.logs import log_event
from gateways.kit.record import RequestRecord
from gateways.kit.request_body import RequestBody
from gateways.kit.review import for_review
from gateways.sud.context import SudContext, note_unknown_fields, notified
from gateways.sud.requests import Envelope, FailedOrder, order_changed
from gateways.sud.settings import PROVIDER
from gateways.sud.times import event_time
from wallet.v1 import wallet_pb2

LOG = logging.getLogger("gateways.sud")
BUY_IN_CMD = "add_score"


def note_status(record: RequestRecord, envelope: Envelope, status: str, **ids: object) -> None:
    log_event(
        LOG, logging.INFO, "order status noted: nothing moves", request_id=record.request_id, provider=PROVIDER,
        notify_id=envelope.notify_id, status=status, **ids,
    )  # fmt: skip


async def roll_back(
    context: SudContext,
    record: RequestRecord,
    envelope: Envelope,
    body: RequestBody,
    failed: FailedOrder,
    told: JsonObject,
) -> wallet_pb2.RollbackResponse:
    """Give back the buy-in of one failed order; `told` is what the record keeps of it (details)."""
    settings = context.settings
    if failed.cmd is not None and failed.cmd != BUY_IN_CMD:
        log_event(
            LOG,
            logging.WARNING,
            "a failed order that is not an add_score: its debit, if any, goes back",
            request_id=record.request_id,
            provider=PROVIDER,
            out_order_id=failed.out_order_id,
            cmd=failed.cmd,
        )
    rollback = wallet_pb2.RollbackRequest(
        provider=PROVIDER,
        transaction_id=failed.out_order_id,
        reference_transaction_id=failed.out_order_id,
        player_id=context.player_id(failed.player_uid),
        currency=settings.currency,
        round_id=failed.round_id,
        game_id=failed.mg_id,
        table_id=failed.room_id,
        details=to_struct({**told, **notified(envelope)}),
        event_time=event_time(envelope.notify_time),
        raw_request=body.raw,
    )
    try:
        answer = await context.core.rollback(rollback, request_id=record.request_id)
    except CoreError as error:
        if not error.nothing_decided:
            for_review(
                record,
                "failed order's buy-in not rolled back",
                out_order_id=failed.out_order_id,
                reason=error.reason,
                core_metadata=error.metadata,
            )
        raise
    if answer.transaction.status == wallet_pb2.TRANSACTION_STATUS_TOMBSTONE and not answer.replay:
        log_event(
            LOG,
            logging.WARNING,
            "failed order for a buy-in the wallet never saw: tombstone left",
            request_id=record.request_id,
            provider=PROVIDER,
            out_order_id=failed.out_order_id,
        )
    return answer


async def order_was_changed(context: SudContext, record: RequestRecord, envelope: Envelope, body: RequestBody) -> None:
    changed = order_changed(envelope.data, context.settings.provisional.order_player_field)
    note_unknown_fields(record, changed.unknown, notify_id=envelope.notify_id)
    failed = changed.failed
    if failed is None:
        note_status(record, envelope, changed.status)
        return
    record.transaction_id = failed.out_order_id
    answer = await roll_back(context, record, envelope, body, failed, failed.sent)
    record.replay = answer.replay
