"""Why a gateway refuses a request on its own, before (or instead of) asking the core.

A `Refusal` carries a reason from `GatewayReason`; the dialect's code table turns it into the
provider's code. Where a gateway reason means the same as one of the core's `ErrorReason` names
(`INVALID_AMOUNT`, `UNSUPPORTED_CURRENCY`), it is spelled the same, so one table row serves both.
"""

from enum import StrEnum


class GatewayReason(StrEnum):
    """Reasons a gateway refuses a request itself. None of them moves money."""

    MALFORMED_REQUEST = "MALFORMED_REQUEST"
    """Not JSON, not an object, a field missing or of the wrong type."""
    INVALID_AMOUNT = "INVALID_AMOUNT"
    """An amount that is not a plain non-negative decimal string."""
    UNSUPPORTED_CURRENCY = "UNSUPPORTED_CURRENCY"
    """A provider currency the gateway has no mapping for."""
    BODY_TOO_LARGE = "BODY_TOO_LARGE"
    BAD_SIGNATURE = "BAD_SIGNATURE"
    STALE_TIMESTAMP = "STALE_TIMESTAMP"
    UNKNOWN_AGENT = "UNKNOWN_AGENT"
    """The provider's merchant/agent id is not configured."""
    IP_NOT_ALLOWED = "IP_NOT_ALLOWED"
    RATE_LIMITED = "RATE_LIMITED"
    INTERNAL_ERROR = "INTERNAL_ERROR"
    """An unexpected failure inside the gateway (a bug): answered as the dialect's service error."""


class Refusal(Exception):
    """The gateway refuses the request for `reason`; `detail` is for the log, never for the provider."""

    def __init__(self, reason: GatewayReason, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
