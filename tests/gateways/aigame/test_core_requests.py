"""The requests the money endpoints send the core: their Struct and Timestamp fields are written in
place, and must come out as the requests built with `details=` and `event_time=` did. (Byte for byte
only in deterministic serialization: a Struct's map is written in its hash order, which differs from
process to process and from a Struct to its copy, as it always did.) `details` holds what has no
typed field of its own: the player, the ids, the amount and the time are not stored twice."""

import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from google.protobuf.message import Message
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message as AsgiMessage

from gateways.aigame.authenticate import AgentSignatures
from gateways.aigame.bet import bet
from gateways.aigame.context import AIGameContext
from gateways.aigame.payout import payout
from gateways.aigame.refund import refund
from gateways.aigame.settings import PROVIDER, Settings
from gateways.kit.core_client import CoreClient
from gateways.kit.details import to_struct
from gateways.kit.ratelimit import RateLimiter
from gateways.kit.record import RequestRecord
from gateways.kit.timestamps import TimestampWindow, timestamp_from_ms
from tests.gateways.aigame.vendor import AGENT_ID, SECRET, Vendor
from wallet.v1 import wallet_pb2 as pb

ANSWER = pb.Transaction(balance_after="90.00")


class CapturingCore(CoreClient):
    """Keeps what the handler sends and answers it at once."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings.core, provider=PROVIDER)
        self.sent: list[Message] = []

    async def debit(self, request: pb.DebitRequest, *, request_id: str) -> pb.DebitResponse:
        self.sent.append(request)
        return pb.DebitResponse(transaction=ANSWER)

    async def credit(self, request: pb.CreditRequest, *, request_id: str) -> pb.CreditResponse:
        self.sent.append(request)
        return pb.CreditResponse(transaction=ANSWER)

    async def rollback(self, request: pb.RollbackRequest, *, request_id: str) -> pb.RollbackResponse:
        self.sent.append(request)
        return pb.RollbackResponse(transaction=ANSWER)


Handler = Callable[[AIGameContext, Request, RequestRecord], Awaitable[Response]]


async def sent_for(handler: Handler, body: dict[str, Any]) -> tuple[Message, str]:
    settings = Settings.from_mapping({"core": {"address": "127.0.0.1:1", "token": "t"}, "agents": {AGENT_ID: SECRET}})
    core = CapturingCore(settings)
    context = AIGameContext(
        settings=settings,
        core=core,
        authenticator=AgentSignatures(settings.agents, TimestampWindow(600), settings.provisional.nested_signing),
        detail_limiter=RateLimiter("1 per 5 seconds"),
    )
    raw = json.dumps(body)

    async def receive() -> AsgiMessage:
        return {"type": "http.request", "body": raw.encode(), "more_body": False}

    await handler(
        context,
        Request({"type": "http", "method": "POST", "headers": []}, receive),
        RequestRecord("r1", PROVIDER, None),
    )
    (request,) = core.sent
    return request, raw


def assert_same(sent: Message, expected: Message) -> None:
    assert sent == expected
    assert sent.SerializeToString(deterministic=True) == expected.SerializeToString(deterministic=True)
    assert sent.ListFields() == expected.ListFields()  # the same fields set, empty ones included


def told(body: dict[str, Any], *names: str) -> dict[str, Any]:
    """The `details` expected: the body's fields of these names, and no other."""
    return {name: body[name] for name in names}


@pytest.mark.parametrize("extra", [{}, {"bet_detail": {"Banker": 10}, "shoe_id": 2**60}])
async def test_a_bet_is_sent_as_it_was_built_before(extra: dict[str, Any]) -> None:
    body = Vendor().bet("u1", "b1", "10.00", **extra)
    sent, raw = await sent_for(bet, body)
    expected = pb.DebitRequest(
        provider=PROVIDER,
        transaction_id="b1",
        player_id="u1",
        currency="USD",
        amount="10.00",
        round_id="41",
        game_id="101",
        table_id="000002",
        raw_request=raw,
        details=to_struct(told(body, "currency", "shoe_id", *extra)),
    )
    expected.event_time.CopyFrom(timestamp_from_ms(body["bet_time"]))
    assert_same(sent, expected)


async def test_a_payout_is_sent_as_it_was_built_before() -> None:
    body = Vendor().payout("u1", "b1", "19.50", open_cards={"banker": "Diamonds9"})
    sent, raw = await sent_for(payout, body)
    expected = pb.CreditRequest(
        provider=PROVIDER,
        transaction_id="b1",
        reference_transaction_id="b1",
        player_id="u1",
        currency="USD",
        amount="19.50",
        round_id="41",
        game_id="101",
        table_id="000002",
        details=to_struct(told(body, "currency", "shoe_id", "open_cards")),
        event_time=timestamp_from_ms(body["pay_out_time"]),
        raw_request=raw,
    )
    assert_same(sent, expected)


@pytest.mark.parametrize("status", [0, 1])
async def test_a_refund_is_sent_as_it_was_built_before(status: int) -> None:
    body = Vendor().refund("u1", "b1", "10.00", status=status, win_amount="19.50")
    sent, raw = await sent_for(refund, body)
    expected = pb.RollbackRequest(
        provider=PROVIDER,
        transaction_id="b1",
        reference_transaction_id="b1",
        player_id="u1",
        currency="USD",
        amount="10.00",
        game_id="101",
        raw_request=raw,
        reverse_payouts=status == 1,
        details=to_struct(told(body, "currency", "win_amount", "status", "bet_time")),
    )
    expected.event_time.CopyFrom(timestamp_from_ms(body["refund_time"]))
    assert_same(sent, expected)
