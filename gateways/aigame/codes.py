"""THE AIGame code table: what AIGame is told, for every reason a request can fail, per endpoint.

This is the only place to look. Rows are reasons: the gateway's own refusals (GatewayReason),
the core's ErrorInfo reasons, and transport failures (GRPC_*). Columns are the five endpoints.
The two provisional bet codes come from the Provisional table. A reason that cannot happen on an
endpoint still has a cell (the service-exception code), so that the table covers every reason.
"""

from typing import Final

from gateways.aigame.provisional import Provisional
from gateways.kit.codes import CodeTable

BALANCE: Final = "balance"
BET: Final = "bet"
PAYOUT: Final = "payout"
REFUND: Final = "refund"
DETAIL: Final = "detail"
ENDPOINTS: Final = (BALANCE, BET, PAYOUT, REFUND, DETAIL)

SUCCESS: Final = 200
PARAMETER_ERROR: Final = 408000
IP_NOT_WHITELISTED: Final = 408003
TOO_FREQUENT: Final = 408004
SIGNATURE_ERROR: Final = 600100
MERCHANT_UNKNOWN: Final = 700101
RECORD_UNKNOWN: Final = 700237
SERVICE_EXCEPTION: Final = 800100
MEMBER_UNKNOWN: Final = 800101
CURRENCY_UNKNOWN: Final = 800102
BALANCE_FAILED: Final = 800103
ORDER_UNKNOWN: Final = 800107
CANCEL_FAILED: Final = 800108
PAYOUT_FAILED: Final = 800109

MESSAGES: Final = {
    SUCCESS: "success",
    PARAMETER_ERROR: "Parameter error",
    IP_NOT_WHITELISTED: "Whitelist restriction",
    TOO_FREQUENT: "API frequency limit",
    SIGNATURE_ERROR: "Signature error",
    MERCHANT_UNKNOWN: "Merchant does not exist",
    RECORD_UNKNOWN: "Bet record does not exist",
    SERVICE_EXCEPTION: "Service exception",
    MEMBER_UNKNOWN: "Member does not exist",
    CURRENCY_UNKNOWN: "Currency does not exist",
    BALANCE_FAILED: "Query balance failed",
    ORDER_UNKNOWN: "Order ID does not exist",
    CANCEL_FAILED: "Cancel failed",
    PAYOUT_FAILED: "Payout failure",
}
PROVISIONAL_MESSAGES: Final = {"insufficient_balance": "Insufficient balance", "bet_failure": "Bet failure"}


def code_table(provisional: Provisional) -> CodeTable[int]:
    """The table, with the provisional bet codes filled in (`nf` insufficient funds, `bf` bet failure)."""
    nf = provisional.insufficient_balance_code
    bf = provisional.bet_failure_code
    return CodeTable(
        endpoints=ENDPOINTS,
        rows={
            # reason                  balance  bet     payout  refund  detail
            "MALFORMED_REQUEST":      (408000, 408000, 408000, 408000, 408000),
            "BODY_TOO_LARGE":         (408000, 408000, 408000, 408000, 408000),
            "INVALID_ARGUMENT":       (408000, 408000, 408000, 408000, 408000),
            "INVALID_AMOUNT":         (408000, 408000, 408000, 408000, 408000),
            "STALE_TIMESTAMP":        (408000, 408000, 408000, 408000, 408000),
            "IP_NOT_ALLOWED":         (408003, 408003, 408003, 408003, 408003),
            "RATE_LIMITED":           (408004, 408004, 408004, 408004, 408004),
            "BAD_SIGNATURE":          (600100, 600100, 600100, 600100, 600100),
            "UNKNOWN_AGENT":          (600100, 600100, 600100, 600100, 700101),
            "UNSUPPORTED_CURRENCY":   (800102, 800102, 800102, 800102, 800100),
            "CURRENCY_MISMATCH":      (800102, 800102, 800102, 800102, 800100),
            "ACCOUNT_NOT_FOUND":      (800101, 800101, 800101, 800101, 800100),
            "PLAYER_MISMATCH":        (800101, bf,     800109, 800108, 800100),
            "INSUFFICIENT_FUNDS":     (800103, nf,     800109, 800108, 800100),
            "TRANSACTION_NOT_FOUND":  (800103, bf,     800107, 800107, 700237),
            "ALREADY_ROLLED_BACK":    (800103, bf,     800109, 800108, 800100),
            "ALREADY_SETTLED":        (800103, bf,     800109, 800108, 800100),
            "IDEMPOTENCY_CONFLICT":   (800103, bf,     800109, 800108, 800100),
            "AMOUNT_MISMATCH":        (800103, bf,     800109, 800108, 800100),
            "ACCOUNT_EXISTS":         (800103, bf,     800109, 800108, 800100),
            # The gateway's own token or configuration is wrong: our fault, not the provider's.
            "UNAUTHENTICATED":        (800100, 800100, 800100, 800100, 800100),
            "PERMISSION_DENIED":      (800100, 800100, 800100, 800100, 800100),
            "INTERNAL_ERROR":         (800100, 800100, 800100, 800100, 800100),
            # Nothing was decided: the provider's retry (same id) is safe. For a balance, "query failed".
            "STORE_UNAVAILABLE":      (800103, 800100, 800100, 800100, 800100),
            "GRPC_UNAVAILABLE":       (800103, 800100, 800100, 800100, 800100),
            "GRPC_DEADLINE_EXCEEDED": (800103, 800100, 800100, 800100, 800100),
        },
        fallback=(800100, 800100, 800100, 800100, 800100),
    )  # fmt: skip


def message_for(code: int, provisional: Provisional) -> str:
    if code == provisional.insufficient_balance_code:
        return PROVISIONAL_MESSAGES["insufficient_balance"]
    if code == provisional.bet_failure_code:
        return PROVISIONAL_MESSAGES["bet_failure"]
    return MESSAGES.get(code, "Service exception")
