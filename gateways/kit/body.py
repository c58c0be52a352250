"""Reading a request body under a size limit, without buffering more than the limit.

A body sent with `Content-Encoding: gzip` is inflated here, so that every gateway reads it (AIGame's
description page says to "use gzip compression uniformly" without saying whether requests are
meant): the limit applies to the bytes received and again to the inflated body, and inflating stops
as soon as the output would pass the limit, so a gzip bomb costs at most `limit` bytes. What the
gateway parses and checks the signature over is the inflated body. No header (or `identity`) is the
body as received; any other coding, or a gzip body that does not inflate, is MALFORMED_REQUEST.
"""

import zlib

from starlette.requests import Request

from gateways.kit.refusals import GatewayReason, Refusal

_IDENTITY = frozenset({"", "identity"})
_GZIP = frozenset({"gzip", "x-gzip"})  # x-gzip: the older name HTTP/1.1 says to treat as gzip
_GZIP_WINDOW = 16 + zlib.MAX_WBITS  # zlib's way to ask for a gzip header and trailer


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, decoded, or a Refusal: BODY_TOO_LARGE as soon as the body received or its
    decoding is known to exceed `limit` bytes, MALFORMED_REQUEST for a coding that cannot be read."""
    received = await _received(request, limit)
    coding = request.headers.get("content-encoding", "").strip().lower()
    if coding in _IDENTITY:
        return received
    if coding in _GZIP:
        return gunzip_within(received, limit)
    raise Refusal(GatewayReason.MALFORMED_REQUEST, f"Content-Encoding {coding[:40]!r} is not gzip or identity")


async def _received(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise Refusal(GatewayReason.BODY_TOO_LARGE, f"declared {declared} bytes, limit {limit}")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Refusal(GatewayReason.BODY_TOO_LARGE, f"more than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def gunzip_within(data: bytes, limit: int) -> bytes:
    """`data` inflated (one gzip member or several, as RFC 1952 allows), never more than `limit` + 1
    bytes of it: Refusal(BODY_TOO_LARGE) past the limit, Refusal(MALFORMED_REQUEST) when `data` is
    not gzip, is cut short, or has bytes after its last member that are not another member."""
    inflated: list[bytes] = []
    size = 0
    rest = data
    while True:
        inflater = zlib.decompressobj(_GZIP_WINDOW)
        try:
            piece = inflater.decompress(rest, limit - size + 1)
        except zlib.error as error:
            raise Refusal(GatewayReason.MALFORMED_REQUEST, f"the gzip body does not inflate: {error}") from error
        size += len(piece)
        if size > limit:
            raise Refusal(GatewayReason.BODY_TOO_LARGE, f"the gzip body inflates to more than {limit} bytes")
        inflated.append(piece)
        if not inflater.eof:  # all input used and the member not finished (output was under its cap)
            raise Refusal(GatewayReason.MALFORMED_REQUEST, "the gzip body is cut short")
        rest = inflater.unused_data
        if not rest:
            return b"".join(inflated)
