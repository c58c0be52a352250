"""THE SUD code table: the `ret_code` SUD is told, for every reason a request can fail, per endpoint.

This is the only place to look. SUD's own texts fix three codes: 0 (success; anything else makes
SUD re-send the notification), and for `update_score` 9000 (insufficient balance) and 9001
(duplicate order id). Every other code is ours: SUD only tells 0 from non-zero, so each of our
failures has its own code and message for whoever reads SUD's delivery logs. Rows are reasons: the
gateway's own refusals (GatewayReason), the core's ErrorInfo reasons and transport failures
(GRPC_*); columns are the two endpoints. A reason that cannot happen on an endpoint still has a
cell (INTERNAL_ERROR), so that the table covers every reason.
"""

from typing import Final

from gateways.kit.codes import CodeTable

NOTIFY: Final = "notify"
UPDATE_SCORE: Final = "update_score"
ENDPOINTS: Final = (NOTIFY, UPDATE_SCORE)

# SUD's codes (sud.md).
SUCCESS: Final = 0
INSUFFICIENT_BALANCE: Final = 9000
DUPLICATE_ORDER: Final = 9001
# Ours.
BAD_REQUEST: Final = 1001
BODY_TOO_LARGE: Final = 1002
BAD_SIGNATURE: Final = 1003
UNKNOWN_APP: Final = 1004
STALE_TIMESTAMP: Final = 1005
IP_NOT_ALLOWED: Final = 1006
AMOUNT_NOT_EXACT: Final = 1007
NO_ACCOUNT: Final = 1008
ORDER_NOT_FOUND: Final = 1009
ORDER_ROLLED_BACK: Final = 1010
ORDER_SETTLED: Final = 1011
ORDER_MISMATCH: Final = 1012
ORDER_CONFLICT: Final = 1013
PLAYER_BLOCKED: Final = 1014
RETRY_LATER: Final = 1500
INTERNAL_ERROR: Final = 1999

MESSAGES: Final = {
    SUCCESS: "SUCCESS",
    INSUFFICIENT_BALANCE: "insufficient balance",
    DUPLICATE_ORDER: "duplicate order id",
    BAD_REQUEST: "bad request: not JSON, or a field missing, mistyped or out of range",
    BODY_TOO_LARGE: "request body too large",
    BAD_SIGNATURE: "signature verification failed",
    UNKNOWN_APP: "unknown app id",
    STALE_TIMESTAMP: "Sud-Timestamp outside the accepted window",
    IP_NOT_ALLOWED: "source address not allowed",
    AMOUNT_NOT_EXACT: "score does not convert exactly to the wallet currency",
    NO_ACCOUNT: "player has no wallet account",
    ORDER_NOT_FOUND: "buy-in order not found: send again later",
    ORDER_ROLLED_BACK: "order was rolled back",
    ORDER_SETTLED: "buy-in order already settled",
    ORDER_MISMATCH: "order belongs to another player or currency",
    ORDER_CONFLICT: "order id already used for a different request",
    PLAYER_BLOCKED: "player blocked by the operator: no bet taken",
    RETRY_LATER: "wallet temporarily unavailable: send again later",
    INTERNAL_ERROR: "internal error",
}


def message_for(code: int) -> str:
    return MESSAGES.get(code, MESSAGES[INTERNAL_ERROR])


CODES: Final = CodeTable(
    endpoints=ENDPOINTS,
    rows={
        # reason                  notify  update_score
        "MALFORMED_REQUEST":      (1001,  1001),
        "INVALID_ARGUMENT":       (1001,  1001),
        "BODY_TOO_LARGE":         (1002,  1002),
        "BAD_SIGNATURE":          (1003,  1003),
        "UNKNOWN_AGENT":          (1004,  1004),
        "STALE_TIMESTAMP":        (1005,  1005),
        "IP_NOT_ALLOWED":         (1006,  1006),
        "INVALID_AMOUNT":         (1007,  1007),
        "ACCOUNT_NOT_FOUND":      (1008,  1008),
        "TRANSACTION_NOT_FOUND":  (1009,  1999),
        "ALREADY_ROLLED_BACK":    (1010,  1010),
        "ALREADY_SETTLED":        (1011,  1011),
        "PLAYER_MISMATCH":        (1012,  1012),
        "CURRENCY_MISMATCH":      (1012,  1012),
        "AMOUNT_MISMATCH":        (1012,  1012),
        "IDEMPOTENCY_CONFLICT":   (1013,  9001),
        "INSUFFICIENT_FUNDS":     (1999,  9000),
        "LIMIT_REACHED":          (1999,  9000),
        "PLAYER_BLOCKED":         (1014,  1014),
        # The gateway's own token, currency or configuration is wrong: our fault, not SUD's.
        "UNSUPPORTED_CURRENCY":   (1999,  1999),
        "UNAUTHENTICATED":        (1999,  1999),
        "TOKEN_EXPIRED":          (1999,  1999),
        "PERMISSION_DENIED":      (1999,  1999),
        "ACCOUNT_EXISTS":         (1999,  1999),
        "RATE_LIMITED":           (1999,  1999),
        "INTERNAL_ERROR":         (1999,  1999),
        # Nothing was decided: SUD's re-send (same ids) is safe.
        "STORE_UNAVAILABLE":      (1500,  1500),
        "GRPC_UNAVAILABLE":       (1500,  1500),
        "GRPC_DEADLINE_EXCEEDED": (1500,  1500),
        # Held for review: SUD re-sends on any non-zero code, "send again later" until it is paid.
        "PAYOUT_HELD":            (1500,  1500),
        "PAYOUT_REJECTED":        (1999,  1999),
    },
    fallback=(1999, 1999),
)  # fmt: skip
