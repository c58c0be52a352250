"""Reading a request body under a size limit, without buffering more than the limit."""

from starlette.requests import Request

from gateways.kit.refusals import GatewayReason, Refusal


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, or a Refusal(BODY_TOO_LARGE) as soon as it is known to exceed `limit` bytes."""
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
