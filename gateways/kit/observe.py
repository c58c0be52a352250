"""Observing every provider request: request id, latency, one log line and the metrics.

The request id is the caller's X-Request-Id when it is a sane token, else a new one; it is echoed
in the answer's X-Request-Id header and sent on to the core (gRPC metadata `x-request-id`).
"""

import logging
import re
import time
import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateways.kit.logs import log_event
from gateways.kit.metrics import REQUEST_SECONDS, REQUESTS, labelled
from gateways.kit.record import RECORD_KEY, RequestRecord

ACCESS_LOG = logging.getLogger("gateways.access")
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def _request_id(scope: Scope) -> str:
    given = Headers(scope=scope).get("x-request-id")
    return given if given is not None and _SANE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


class ObserveMiddleware:
    """ASGI middleware: creates the RequestRecord, then logs it and counts it once answered."""

    def __init__(self, app: ASGIApp, provider: str) -> None:
        self.app = app
        self.provider = provider

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        record = RequestRecord(_request_id(scope), self.provider, client[0] if client else None)
        scope.setdefault("state", {})[RECORD_KEY] = record
        http_status = 500
        started = time.perf_counter()

        async def send_with_request_id(message: Message) -> None:
            nonlocal http_status
            if message["type"] == "http.response.start":
                http_status = message["status"]
                MutableHeaders(scope=message).append("x-request-id", record.request_id)
            await send(message)

        try:
            await self.app(scope, receive, send_with_request_id)
        finally:
            if record.endpoint is not None:
                self._observe(record, record.endpoint, http_status, time.perf_counter() - started)

    def _observe(self, record: RequestRecord, endpoint: str, http_status: int, seconds: float) -> None:
        code = record.code or "none"
        labelled(REQUESTS, record.provider, endpoint, code, record.reason or "").inc()
        labelled(REQUEST_SECONDS, record.provider, endpoint).observe(seconds)
        log_event(
            ACCESS_LOG,
            logging.INFO,
            "request",
            request_id=record.request_id,
            provider=record.provider,
            endpoint=endpoint,
            client_ip=record.client_ip,
            transaction_id=record.transaction_id,
            outcome="success" if record.reason is None and record.code is not None else "failure",
            code=code,
            reason=record.reason,
            detail=record.detail,
            replay=record.replay,
            http_status=http_status,
            latency_ms=round(seconds * 1000, 3),
        )
