"""What every SUD endpoint works with, and the first steps they share: size, signature, JSON."""

from dataclasses import dataclass

from starlette.requests import Request

from gateways.kit.body import read_body
from gateways.kit.core_client import CoreClient
from gateways.kit.jsonbody import JsonObject, parse_json_object
from gateways.sud.authenticate import Authenticator
from gateways.sud.settings import Settings


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
