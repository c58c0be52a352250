import gzip
import os
import tracemalloc
from collections.abc import Sequence

import pytest
from starlette.requests import Request
from starlette.types import Message

from gateways.kit.body import read_body
from gateways.kit.refusals import GatewayReason, Refusal


def request_with(
    chunks: Sequence[bytes], content_length: int | None, headers: Sequence[tuple[bytes, bytes]] = ()
) -> Request:
    last = len(chunks) - 1
    messages = [{"type": "http.request", "body": chunk, "more_body": i < last} for i, chunk in enumerate(chunks)]
    if content_length is not None:
        headers = [*headers, (b"content-length", str(content_length).encode())]

    async def receive() -> Message:
        if not messages:
            raise AssertionError("the body was read past its end")
        return messages.pop(0)

    return Request({"type": "http", "method": "POST", "headers": list(headers)}, receive)


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


def gzip_request(body: bytes, encoding: str = "gzip") -> Request:
    return request_with([body], len(body), [(b"content-encoding", encoding.encode())])


@pytest.mark.parametrize("encoding", ["gzip", "GZIP", " x-gzip "])
async def test_a_gzip_body_is_read_inflated(encoding: str) -> None:
    body = b'{"agent_id": "agent001"}'
    assert await read_body(gzip_request(gzip.compress(body), encoding), limit=64) == body


async def test_an_identity_body_is_read_as_received() -> None:
    assert await read_body(request_with([b"abcd"], 4, [(b"content-encoding", b"identity")]), limit=4) == b"abcd"


async def test_several_gzip_members_are_read_one_after_the_other() -> None:
    assert await read_body(gzip_request(gzip.compress(b"ab") + gzip.compress(b"cd")), limit=64) == b"abcd"


async def test_a_gzip_body_may_inflate_to_the_limit_but_not_past_it() -> None:
    assert await read_body(gzip_request(gzip.compress(b"x" * 100)), limit=100) == b"x" * 100
    with pytest.raises(Refusal) as refused:  # 101 bytes of "x" compress to far fewer than 100
        await read_body(gzip_request(gzip.compress(b"x" * 101)), limit=100)
    assert refused.value.reason is GatewayReason.BODY_TOO_LARGE
    with pytest.raises(Refusal) as refused:  # the limit counts every member's output together
        await read_body(gzip_request(gzip.compress(b"x" * 60) + gzip.compress(b"x" * 60)), limit=100)
    assert refused.value.reason is GatewayReason.BODY_TOO_LARGE


async def test_a_gzip_bomb_is_refused_without_inflating_more_than_the_limit() -> None:
    bomb = gzip.compress(bytes(10 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 16 * 1024  # ten megabytes of zeros in about ten kilobytes
    limit = 64 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(Refusal) as refused:
            await read_body(gzip_request(bomb), limit=limit)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refused.value.reason is GatewayReason.BODY_TOO_LARGE
    assert peak < 1024 * 1024, f"{peak} bytes at the peak: the bomb was inflated"


async def test_a_compressed_body_over_the_limit_is_refused_before_inflating() -> None:
    body = gzip.compress(os.urandom(200))  # random bytes do not compress: more than 100 bytes sent
    with pytest.raises(Refusal) as refused:
        await read_body(request_with([body], None, [(b"content-encoding", b"gzip")]), limit=100)
    assert refused.value.reason is GatewayReason.BODY_TOO_LARGE


@pytest.mark.parametrize(
    "body",
    [
        b'{"agent_id": "agent001"}',  # said to be gzip, is not
        gzip.compress(b'{"agent_id": "agent001"}')[:-6],  # cut short
        gzip.compress(b"{}") + b"trailing",  # bytes after the member that are no member
        b"",
    ],
    ids=["not_gzip", "truncated", "trailing_garbage", "empty"],
)
async def test_a_gzip_body_that_does_not_inflate_is_malformed(body: bytes) -> None:
    with pytest.raises(Refusal) as refused:
        await read_body(gzip_request(body), limit=1024)
    assert refused.value.reason is GatewayReason.MALFORMED_REQUEST


@pytest.mark.parametrize("encoding", ["br", "deflate", "compress", "gzip, gzip", "zstd"])
async def test_another_content_encoding_is_refused_as_malformed(encoding: str) -> None:
    with pytest.raises(Refusal) as refused:
        await read_body(gzip_request(gzip.compress(b"{}"), encoding), limit=1024)
    assert refused.value.reason is GatewayReason.MALFORMED_REQUEST
    assert encoding in refused.value.detail
