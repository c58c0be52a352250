"""What every SUD endpoint works with, and the steps they share: size, signature, JSON; noting unknown fields."""

import logging
from collections.abc import Sequence

from starlette.requests import Request

from gateways.kit.context import GatewayContext
from gateways.kit.jsonbody import JsonValue
from gateways.kit.logs import log_event
from gateways.kit.record import RequestRecord
from gateways.kit.request_body import RequestBody, read_request_body
from gateways.sud.authenticate import SudSignatures
from gateways.sud.requests import Envelope
from gateways.sud.settings import PROVIDER, Settings

LOG = logging.getLogger("gateways.sud")

SudContext = GatewayContext[Settings, SudSignatures]


async def read_signed_body(context: SudContext, request: Request) -> RequestBody:
    """The body under the size limit, signed by SUD for this app (checked on the raw bytes), as a JSON object."""
    return await read_request_body(request, context.settings.body_limit_bytes, check_raw=context.authenticator.check)


def note_unknown_fields(record: RequestRecord, fields: Sequence[str], **ids: object) -> None:
    """Fields SUD added that this gateway does not know: accepted, and logged (INFO) by their paths."""
    if fields:
        log_event(
            LOG, logging.INFO, "unknown fields accepted", request_id=record.request_id, provider=PROVIDER,
            fields=list(fields), **ids,
        )  # fmt: skip


def notified(envelope: Envelope) -> dict[str, JsonValue]:
    """What every money record keeps of the notification that caused it: its id and event."""
    return {"notify_id": envelope.notify_id, "notify_event": envelope.notify_event}
