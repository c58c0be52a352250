"""A provider's request body as every gateway reads it: one JSON object, its text kept as sent.

The steps, in order: the size limit and gzip (gateways.kit.body); the dialect's check over the bytes
received, when its signature covers them (SUD); one UTF-8 decoding, whose text is the raw request
the core keeps for disputes; the strict JSON object (gateways.kit.jsonbody); the dialect's check
over the parsed fields, when its signature covers those (AIGame). A check refuses by raising.
"""

from collections.abc import Callable, Container
from dataclasses import dataclass

from google.protobuf.struct_pb2 import Struct
from starlette.datastructures import Headers
from starlette.requests import Request

from gateways.kit.body import read_body
from gateways.kit.details import put_struct
from gateways.kit.jsonbody import JsonObject, body_text, parse_json_text

RawBodyCheck = Callable[[Headers, bytes], None]
"""Refuses a request by its headers and the bytes received (a signature over the raw body)."""
ParamsCheck = Callable[[JsonObject], object]
"""Refuses a request by its parsed fields (a signature over the parameters); what it returns is unused."""


@dataclass(frozen=True, slots=True)
class RequestBody:
    """A request body that passed the checks: its text as sent, and its fields."""

    raw: str
    params: JsonObject

    def write_details(self, target: Struct, omit: Container[str]) -> None:
        """The fields but those in `omit` (what the core request holds in fields of its own, and the
        envelope), kept with the transaction: written straight into the core request's own `details`
        (a Struct given to the request would be copied)."""
        put_struct(target, self.params, omit=omit)


async def read_request_body(
    request: Request,
    limit: int,
    *,
    check_raw: RawBodyCheck | None = None,
    check_params: ParamsCheck | None = None,
) -> RequestBody:
    """The body under `limit` bytes, checked, as one JSON object; else a Refusal (BODY_TOO_LARGE,
    MALFORMED_REQUEST, or what a check raises)."""
    received = await read_body(request, limit)
    if check_raw is not None:
        check_raw(request.headers, received)
    text = body_text(received)
    params = parse_json_text(text)
    if check_params is not None:
        check_params(params)
    return RequestBody(raw=text, params=params)
