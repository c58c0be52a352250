"""What every AIGame endpoint works with, and the steps the four wallet endpoints share."""

import functools
from dataclasses import dataclass

from starlette.requests import Request

from gateways.aigame.authenticate import AgentSignatures
from gateways.aigame.settings import Settings
from gateways.aigame.signature import SIGN_FIELD
from gateways.kit.context import GatewayContext
from gateways.kit.ratelimit import RateLimiter
from gateways.kit.request_body import RequestBody, read_request_body

# Who signed the request, when, and the signature: the envelope, not the round. `details` hold what
# AIGame tells about the round (the proto's word); the raw request keeps these as sent.
ENVELOPE_FIELDS = frozenset({"agent_id", "timestamp", SIGN_FIELD})


@functools.cache  # an endpoint's fields left out of `details`: a few fixed sets, not one per request
def details_omitted(typed: frozenset[str]) -> frozenset[str]:
    """The envelope and the `typed` fields (those the core request holds in fields of its own)."""
    return typed | ENVELOPE_FIELDS


@dataclass(frozen=True)
class AIGameContext(GatewayContext[Settings, AgentSignatures]):
    detail_limiter: RateLimiter
    """One detail query per agent per period (gateways/aigame/detail.py)."""


async def read_signed_body(context: AIGameContext, request: Request) -> RequestBody:
    """The body under the size limit, as a JSON object from a known agent with a valid signature."""
    return await read_request_body(
        request, context.settings.body_limit_bytes, check_params=context.authenticator.agent_of
    )
