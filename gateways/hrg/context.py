"""What every HRG action works with, and the steps they share before their own fields."""

from dataclasses import dataclass

from starlette.requests import Request

from gateways.hrg.authenticate import SharedSecret
from gateways.hrg.settings import Settings
from gateways.kit.context import GatewayContext
from gateways.kit.request_body import RequestBody, read_request_body
from gateways.kit.timestamps import TimestampWindow


@dataclass(frozen=True)
class HRGContext(GatewayContext[Settings, SharedSecret]):
    place_bet_window: TimestampWindow
    """For place_bet's `ts` only (see gateways/hrg/bet.py)."""


async def read_request(context: HRGContext, request: Request) -> RequestBody:
    """The shared secret (when configured), then the body under the size limit, as a JSON object.

    The raw text keeps every field as sent; the shared secret is a header, not in it."""
    context.authenticator.check(request.headers)
    return await read_request_body(request, context.settings.body_limit_bytes)
