"""What every SUD endpoint works with, and the steps they share: size, signature, JSON; noting unknown fields."""

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from starlette.requests import Request

from gateways.kit.body import read_body
from gateways.kit.core_client import CoreClient
from gateways.kit.jsonbody import JsonObject, JsonValue, parse_json_object
from gateways.kit.logs import log_event
from gateways.kit.record import RequestRecord
from gateways.sud.authenticate import Authenticator
from gateways.sud.requests import Envelope
from gateways.sud.settings import PROVIDER, Settings

LOG = logging.getLogger("gateways.sud")


@dataclass(frozen=True)
class Context:
    settings: Settings
    core: CoreClient
    authenticator: Authenticator


@dataclass(frozen=True)
class SignedBody:
    """A request that passed the checks: its raw text (kept by the core for disputes) and fields."""

    raw: str
    params: JsonObject


async def read_signed_body(context: Context, request: Request) -> SignedBody:
    """The body under the size limit, signed by SUD for this app (checked on the raw bytes), as a JSON object."""
    body = await read_body(request, context.settings.body_limit_bytes)
    context.authenticator.check(request.headers, body)
    params = parse_json_object(body)
    return SignedBody(raw=body.decode("utf-8"), params=params)


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
