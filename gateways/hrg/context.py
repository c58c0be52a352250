"""What every HRG action works with, and the steps they share before their own fields."""

from dataclasses import dataclass

from google.protobuf.struct_pb2 import Struct
from starlette.requests import Request

from gateways.hrg.authenticate import SharedSecret
from gateways.hrg.settings import Settings
from gateways.kit.body import read_body
from gateways.kit.core_client import CoreClient
from gateways.kit.details import to_struct
from gateways.kit.jsonbody import JsonObject, parse_json_object
from gateways.kit.timestamps import TimestampWindow


@dataclass(frozen=True)
class Context:
    settings: Settings
    core: CoreClient
    secret: SharedSecret
    window: TimestampWindow
    """For place_bet's `ts` only (see gateways/hrg/bet.py)."""

    def player_id(self, user_id: str) -> str:
        return self.settings.players.to_wallet(user_id)


@dataclass(frozen=True)
class Body:
    """A request that passed the checks: its raw text (for the core's records) and its fields."""

    raw: str
    params: JsonObject

    def details(self, typed: frozenset[str]) -> Struct:
        """What HRG sent but the `typed` fields (those the core request holds in fields of its own),
        kept with the transaction; the raw text keeps every field as sent (the shared secret is a
        header, not here)."""
        return to_struct(self.params, omit=typed)


async def read_request(context: Context, request: Request) -> Body:
    """The shared secret (when configured), then the body under the size limit, as a JSON object."""
    context.secret.check(request.headers)
    body = await read_body(request, context.settings.body_limit_bytes)
    params = parse_json_object(body)
    return Body(raw=body.decode("utf-8"), params=params)
