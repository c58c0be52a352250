"""POST /sud/v1/notify: SUD's signed notifications, one envelope, dispatched on `notify_event`.

The events that move money are applied (user.settle, order.changed, order.batch.changed); any
other event SUD sends now or adds later is acknowledged (ret_code 0) and logged, never failed, so
that SUD does not re-send it forever. The envelope's `app_id` must be this app's.

Deduplication on `notify_id` comes from the core: every money movement a notification causes is
keyed by SUD's own order ids (settle: order_id; failed order: out_order_id), so a notification
delivered twice, to any replica of the gateway, moves money once. `notify_id` is kept on the record
(it is description: a notification without one is still applied).
"""

import hmac
import logging

from starlette.requests import Request
from starlette.responses import Response

from gateways.kit.logs import log_event
from gateways.kit.record import RequestRecord
from gateways.kit.refusals import GatewayReason, Refusal
from gateways.sud.answers import success
from gateways.sud.context import SudContext, note_unknown_fields, read_signed_body
from gateways.sud.order_batch_changed import orders_were_changed
from gateways.sud.order_changed import order_was_changed
from gateways.sud.requests import ORDER_BATCH_CHANGED, ORDER_CHANGED, USER_SETTLE, envelope
from gateways.sud.settings import PROVIDER
from gateways.sud.settle import user_settled

LOG = logging.getLogger("gateways.sud")

HANDLERS = {USER_SETTLE: user_settled, ORDER_CHANGED: order_was_changed, ORDER_BATCH_CHANGED: orders_were_changed}


async def notify(context: SudContext, request: Request, record: RequestRecord) -> Response:
    body = await read_signed_body(context, request)
    sent = envelope(body.params)
    record.transaction_id = sent.notify_id or None
    if not hmac.compare_digest(sent.app_id.encode("utf-8"), context.settings.app_id.encode("utf-8")):
        raise Refusal(GatewayReason.UNKNOWN_AGENT, f"notification for app_id {sent.app_id[:64]!r}")
    note_unknown_fields(record, sent.unknown, notify_id=sent.notify_id)
    handler = HANDLERS.get(sent.notify_event)
    if handler is None:
        log_event(
            LOG,
            logging.INFO,
            "unknown notify_event accepted: nothing moves",
            request_id=record.request_id,
            provider=PROVIDER,
            notify_id=sent.notify_id,
            notify_event=sent.notify_event,
        )
        return success()
    await handler(context, record, sent, body)
    return success()
