"""What the gateway learns about one request while answering it, for its log line and metrics.

The observing middleware creates the record; the endpoint fills in what only it knows (which
endpoint, which transaction, the dialect code answered, why).
"""

from dataclasses import dataclass

from starlette.requests import Request

RECORD_KEY = "gateway_record"


@dataclass
class RequestRecord:
    request_id: str
    provider: str
    client_ip: str | None
    endpoint: str | None = None
    """Set by a dialect endpoint; requests without it (/metrics, /healthz, 404s) are not logged."""
    transaction_id: str | None = None
    code: str | None = None
    """The dialect code answered."""
    reason: str | None = None
    """Why a request failed: a core or gateway reason (None on success)."""
    detail: str | None = None
    replay: bool | None = None
    """True when the core answered a repeat of an earlier request."""


def record_of(request: Request) -> RequestRecord:
    record = request.scope.get("state", {}).get(RECORD_KEY)
    if not isinstance(record, RequestRecord):
        raise RuntimeError("no request record: the app was not built by gateways.kit.app")
    return record
