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

MESSAGES: Final = {
    200: "success",
    408000: "Parameter error",
    408003: "Whitelist restriction",
    408004: "API frequency limit",
    600100: "Signature error",
    700101: "Merchant does not exist",
    700237: "Bet record does not exist",
    800100: "Service exception",
    800101: "Member does not exist",
    800102: "Currency does not exist",
    800103: "Query balance failed",
    800107: "Order ID does not exist",
    800108: "Cancel failed",
    800109: "Payout failure",
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
            "PLAYER_BLOCKED":         (800103, bf,     800109, 800108, 800100),
            "LIMIT_REACHED":          (800103, nf,     800109, 800108, 800100),
            "TRANSACTION_NOT_FOUND":  (800103, bf,     800107, 800107, 700237),
            "ALREADY_ROLLED_BACK":    (800103, bf,     800109, 800108, 800100),
            "ALREADY_SETTLED":        (800103, bf,     800109, 800108, 800100),
            "IDEMPOTENCY_CONFLICT":   (800103, bf,     800109, 800108, 800100),
            "AMOUNT_MISMATCH":        (800103, bf,     800109, 800108, 800100),
            "ACCOUNT_EXISTS":         (800103, bf,     800109, 800108, 800100),
            # The gateway's own token or configuration is wrong: our fault, not the provider's.
            "UNAUTHENTICATED":        (800100, 800100, 800100, 800100, 800100),
            "TOKEN_EXPIRED":          (800100, 800100, 800100, 800100, 800100),
            "PERMISSION_DENIED":      (800100, 800100, 800100, 800100, 800100),
            "INTERNAL_ERROR":         (800100, 800100, 800100, 800100, 800100),
            # Nothing was decided: the provider's retry (same id) is safe. For a balance, "query failed".
            "STORE_UNAVAILABLE":      (800103, 800100, 800100, 800100, 800100),
            "GRPC_UNAVAILABLE":       (800103, 800100, 800100, 800100, 800100),
            "GRPC_DEADLINE_EXCEEDED": (800103, 800100, 800100, 800100, 800100),
            # Held for review: "payout failure", which AIGame re-sends every minute until it is paid.
            "PAYOUT_HELD":            (800100, 800100, 800109, 800100, 800100),
            "PAYOUT_REJECTED":        (800100, 800100, 800109, 800100, 800100),
        },
        fallback=(800100, 800100, 800100, 800100, 800100),
    )  # fmt: skip


def message_for(code: int, provisional: Provisional) -> str:
    if code == provisional.insufficient_balance_code:
        return PROVISIONAL_MESSAGES["insufficient_balance"]
    if code == provisional.bet_failure_code:
        return PROVISIONAL_MESSAGES["bet_failure"]
    return MESSAGES.get(code, "Service exception")
