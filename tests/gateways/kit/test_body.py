from collections.abc import Sequence

import pytest
from starlette.requests import Request
from starlette.types import Message

from gateways.kit.body import read_body
from gateways.kit.refusals import GatewayReason, Refusal


def request_with(chunks: Sequence[bytes], content_length: int | None) -> Request:
    last = len(chunks) - 1
    messages = [{"type": "http.request", "body": chunk, "more_body": i < last} for i, chunk in enumerate(chunks)]
    headers = [] if content_length is None else [(b"content-length", str(content_length).encode())]

    async def receive() -> Message:
        if not messages:
            raise AssertionError("the body was read past its end")
        return messages.pop(0)

    return Request({"type": "http", "method": "POST", "headers": headers}, receive)


async def test_a_body_within_the_limit_is_read_whole() -> None:
    assert await read_body(request_with([b"ab", b"cd"], 4), limit=4) == b"abcd"
    assert await read_body(request_with([b"ab", b"cd"], None), limit=4) == b"abcd"


async def test_a_declared_length_over_the_limit_is_refused_without_reading() -> None:
    with pytest.raises(Refusal) as refused:
        await read_body(request_with([], 5), limit=4)
    assert refused.value.reason is GatewayReason.BODY_TOO_LARGE


async def test_a_streamed_body_over_the_limit_is_refused_as_soon_as_it_exceeds_it() -> None:
    request = request_with([b"abc", b"de", b"never read"], None)
    with pytest.raises(Refusal) as refused:
        await read_body(request, limit=4)
    assert refused.value.reason is GatewayReason.BODY_TOO_LARGE
