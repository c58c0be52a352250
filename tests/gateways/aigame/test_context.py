import json

import pytest
from starlette.requests import Request
from starlette.types import Message

from gateways.aigame.authenticate import AgentSignatures
from gateways.aigame.context import AIGameContext, details_omitted, read_signed_body
from gateways.aigame.settings import Settings
from gateways.kit.core_client import CoreClient
from gateways.kit.details import from_struct, to_struct
from gateways.kit.ratelimit import RateLimiter
from gateways.kit.refusals import GatewayReason, Refusal
from gateways.kit.request_body import RequestBody
from gateways.kit.timestamps import TimestampWindow
from tests.gateways.aigame.vendor import AGENT_ID, SECRET, Vendor
from wallet.v1 import wallet_pb2 as pb


def context(body_limit: int = 65536) -> AIGameContext:
    settings = Settings.from_mapping(
        {"core": {"address": "127.0.0.1:1", "token": "t"}, "agents": {AGENT_ID: SECRET}, "body_limit_bytes": body_limit}
    )
    return AIGameContext(
        settings=settings,
        core=CoreClient(settings.core, provider="aigame"),
        authenticator=AgentSignatures(settings.agents, TimestampWindow(600), settings.provisional.nested_signing),
        detail_limiter=RateLimiter("1 per 5 seconds"),
    )


def request(body: bytes) -> Request:
    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    return Request({"type": "http", "method": "POST", "headers": []}, receive)


async def test_the_raw_body_is_kept_exactly_and_the_details_leave_out_the_envelope_and_the_typed_fields() -> None:
    params = Vendor().payout("testUid03", "b1", "100", open_cards={"banker": "HeartsA"})
    raw = json.dumps(params, indent=2)
    signed = await read_signed_body(context(), request(raw.encode()))
    assert signed.raw == raw
    assert signed.params["agent_id"] == AGENT_ID
    credit = pb.CreditRequest()
    signed.write_details(credit.details, details_omitted(frozenset({"user_id", "win_amount"})))
    details = from_struct(credit.details)
    left_out = ("agent_id", "timestamp", "sign", "user_id", "win_amount")
    assert details == {key: value for key, value in params.items() if key not in left_out}
    assert {"open_cards", "currency", "shoe_id"} <= set(details)
    assert credit == pb.CreditRequest(details=to_struct(params, omit=left_out))


async def test_details_are_set_on_the_request_even_when_empty() -> None:
    signed = RequestBody(raw="{}", params={"sign": "abc", "agent_id": AGENT_ID, "user_id": "u1"})
    debit = pb.DebitRequest()
    signed.write_details(debit.details, details_omitted(frozenset({"user_id"})))
    assert debit.HasField("details")
    assert debit.SerializeToString() == pb.DebitRequest(details=to_struct({})).SerializeToString()


async def test_the_body_limit_comes_before_anything_else() -> None:
    with pytest.raises(Refusal) as refused:
        await read_signed_body(context(body_limit=10), request(b'{"agent_id": "agent001"}'))
    assert refused.value.reason is GatewayReason.BODY_TOO_LARGE
