"""What every AIGame endpoint works with, and the steps the four wallet endpoints share."""

import functools
from dataclasses import dataclass

from google.protobuf.struct_pb2 import Struct
from starlette.requests import Request

from gateways.aigame.authenticate import Authenticator
from gateways.aigame.settings import Settings
from gateways.aigame.signature import SIGN_FIELD
from gateways.kit.body import read_body
from gateways.kit.core_client import CoreClient
from gateways.kit.details import put_struct
from gateways.kit.jsonbody import JsonObject, parse_json_object
from gateways.kit.ratelimit import RateLimiter

# Who signed the request, when, and the signature: the envelope, not the round. `details` hold what
# AIGame tells about the round (the proto's word); the raw request keeps these as sent.
ENVELOPE_FIELDS = frozenset({"agent_id", "timestamp", SIGN_FIELD})


@functools.cache  # an endpoint's fields left out of `details`: a few fixed sets, not one per request
def details_omitted(typed: frozenset[str]) -> frozenset[str]:
    return typed | ENVELOPE_FIELDS


@dataclass(frozen=True)
class Context:
    settings: Settings
    core: CoreClient
    authenticator: Authenticator
    detail_limiter: RateLimiter


@dataclass(frozen=True)
class SignedBody:
    """A wallet request that passed the checks: its raw text (for the core's records) and fields."""

    raw: str
    params: JsonObject
    agent_id: str

    def write_details(self, target: Struct, typed: frozenset[str]) -> None:
        """What AIGame sent except the envelope and the `typed` fields (those the core request holds in
        fields of its own), kept with the transaction: written straight into the request's `details`
        field (a Struct given to the request would be copied)."""
        put_struct(target, self.params, omit=details_omitted(typed))


async def read_signed_body(context: Context, request: Request) -> SignedBody:
    """The body under the size limit, as a JSON object from a known agent with a valid signature."""
    body = await read_body(request, context.settings.body_limit_bytes)
    params = parse_json_object(body)
    agent_id = context.authenticator.agent_of(params)
    return SignedBody(raw=body.decode("utf-8"), params=params, agent_id=agent_id)
