from __future__ import annotations

from decimal import Decimal

import pytest
from google.protobuf.struct_pb2 import Struct
from starlette.requests import Request
from starlette.types import Message

from gateways.hrg import Settings
from gateways.hrg.authenticate import SharedSecret
from gateways.hrg.context import HRGContext, read_request
from gateways.kit.core_client import CoreClient
from gateways.kit.details import from_struct
from gateways.kit.refusals import GatewayReason, Refusal
from gateways.kit.request_body import RequestBody
from gateways.kit.timestamps import TimestampWindow
from wallet.v1 import wallet_pb2 as pb

SECRET = "a-shared-secret-of-some-length"


def details_of(body: RequestBody, typed: frozenset[str]) -> Struct:
    """What a settle keeps in its `details` for `body`, when the request holds `typed` in fields of its own."""
    credit = pb.CreditRequest()
    body.write_details(credit.details, typed)
    return credit.details


def context(body_limit: int = 1024) -> HRGContext:
    settings = Settings.from_mapping(
        {
            "core": {"address": "127.0.0.1:1", "token": "t"},
            "currency": "USD",
            "shared_secret": SECRET,
            "body_limit_bytes": body_limit,
            "player_id_prefix": "hrg-",
        }
    )
    return HRGContext(
        settings, CoreClient(settings.core, provider="hrg"), SharedSecret("X-HRG-Secret", SECRET), TimestampWindow(300)
    )


def request(body: bytes, secret: str | None = SECRET) -> tuple[Request, list[str]]:
    """A POST whose body is read from `receive`; the list records each read."""
    reads: list[str] = []

    async def receive() -> Message:
        reads.append("read")
        return {"type": "http.request", "body": body, "more_body": False}

    headers = [(b"content-type", b"application/json")]
    if secret is not None:
        headers.append((b"x-hrg-secret", secret.encode()))
    scope = {"type": "http", "method": "POST", "path": "/hrg/settle", "headers": headers, "query_string": b""}
    return Request(scope, receive), reads


async def test_a_request_is_its_raw_text_and_its_fields() -> None:
    raw = '{"userId": "hrgpl0001", "odds": -1.5, "result": ["H03"], "名": "值"}'
    asked, _ = request(raw.encode())
    body = await read_request(context(), asked)
    assert body.raw == raw
    assert body.params["odds"] == Decimal("-1.5")
    others = {"odds": "-1.5", "result": ["H03"], "名": "值"}
    assert from_struct(details_of(body, frozenset())) == {"userId": "hrgpl0001", **others}
    assert from_struct(details_of(body, frozenset({"userId"}))) == others


@pytest.mark.parametrize("secret", [None, "wrong-secret-of-some-length"])
async def test_the_secret_is_checked_before_the_body_is_read(secret: str | None) -> None:
    asked, reads = request(b'{"userId": "u"}', secret)
    with pytest.raises(Refusal) as refused:
        await read_request(context(), asked)
    assert refused.value.reason is GatewayReason.BAD_SIGNATURE
    assert reads == []


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'{"userId": ', GatewayReason.MALFORMED_REQUEST),
        (b'["userId"]', GatewayReason.MALFORMED_REQUEST),
        (b'{"a": 1, "a": 2}', GatewayReason.MALFORMED_REQUEST),
        (b'{"a": NaN}', GatewayReason.MALFORMED_REQUEST),
        (b"\xff\xfe", GatewayReason.MALFORMED_REQUEST),
        (b'{"pad": "' + b"x" * 2000 + b'"}', GatewayReason.BODY_TOO_LARGE),
    ],
)
async def test_bodies_that_are_not_one_json_object_under_the_limit_are_refused(
    raw: bytes, reason: GatewayReason
) -> None:
    asked, _ = request(raw)
    with pytest.raises(Refusal) as refused:
        await read_request(context(), asked)
    assert refused.value.reason is reason


def test_player_ids_carry_the_deployment_prefix() -> None:
    assert context().player_id("hrgpl0001") == "hrg-hrgpl0001"
