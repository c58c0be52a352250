"""THE HRG code table: what HRG is told, for every reason a request can fail, per action.

This is the only place to look. Rows are reasons: the gateway's own refusals (GatewayReason), the
core's ErrorInfo reasons and transport failures (GRPC_*). Columns are the five actions. Codes are
4-character strings; `u`, `p` and `a` are the provisional ones (gateways/hrg/provisional.py).

What a code makes HRG do (hrg.md, "Retry rules") decides every cell:
- place_bet: "8001" tells HRG the bet DEFINITELY failed, and HRG leaves it there. Any other code
  makes HRG send cancel_bet for that txId, which returns the stake if it was taken, or leaves a
  tombstone that refuses the bet if it ever arrives. So "8001" is answered only for refusals the
  core has RECORDED under the txId (insufficient funds; the player blocked; the bet was cancelled
  first), which every retry of that txId gets again. Everything uncertain or unrecorded (the core unreachable, a bad
  request, an unknown player, a reused txId) is answered with another code, so that HRG cancels.
- cancel_bet: HRG re-sends it for 3 hours until "0000", then hands it to a person. Every
  cancel the wallet can apply answers "0000" (also for a bet never received: a tombstone);
  anything else is a case for that person (e.g. the bet was already settled).
- settle: HRG re-sends it until "0000". A settle the wallet cannot pay (unknown bet, cancelled
  bet, a different amount for a settled bet) is never "0000", or the win would be lost.
- get_balance and event_settle move nothing on failure; a failed batch credits none of its items.
"""

from typing import Final

from gateways.hrg.provisional import Provisional
from gateways.kit.codes import CodeTable

GET_BALANCE: Final = "get_balance"
PLACE_BET: Final = "place_bet"
CANCEL_BET: Final = "cancel_bet"
SETTLE: Final = "settle"
EVENT_SETTLE: Final = "event_settle"
ACTIONS: Final = (GET_BALANCE, PLACE_BET, CANCEL_BET, SETTLE, EVENT_SETTLE)

SUCCESS: Final = "0000"
BET_FAILED: Final = "8001"
"""place_bet only: the bet definitely failed and no money was taken, now or on any retry."""
OTHER_ERROR: Final = "9999"
"""No listed code fits. On place_bet HRG then cancels the bet; settle and cancel_bet are retried."""


def code_table(provisional: Provisional) -> CodeTable[str]:
    """The table, with the provisional codes filled in."""
    u = provisional.invalid_user_code
    p = provisional.invalid_parameters_code
    a = provisional.auth_failure_code
    x = OTHER_ERROR
    return CodeTable(
        endpoints=ACTIONS,
        rows={
            # reason                 get_balance place_bet  cancel_bet settle  event_settle
            # The request itself is bad: nothing was asked of the core.
            "MALFORMED_REQUEST":      (p,        p,         p,         p,      p),
            "BODY_TOO_LARGE":         (p,        p,         p,         p,      p),
            "INVALID_AMOUNT":         (p,        p,         p,         p,      p),
            "STALE_TIMESTAMP":        (p,        p,         p,         p,      p),
            "INVALID_ARGUMENT":       (p,        p,         p,         p,      p),
            # Who is calling.
            "IP_NOT_ALLOWED":         (a,        a,         a,         a,      a),
            "BAD_SIGNATURE":          (a,        a,         a,         a,      a),
            "UNKNOWN_AGENT":          (a,        a,         a,         a,      a),
            # The player.
            "ACCOUNT_NOT_FOUND":      (u,        u,         u,         u,      u),
            "PLAYER_MISMATCH":        (u,        u,         u,         u,      u),
            # Decided and recorded by the core: the only ones that are "8001".
            "INSUFFICIENT_FUNDS":     (x,        "8001",    x,         x,      x),
            "PLAYER_BLOCKED":         (x,        "8001",    x,         x,      x),
            "LIMIT_REACHED":          (x,        "8001",    x,         x,      x),
            "ALREADY_ROLLED_BACK":    (x,        "8001",    x,         x,      x),
            # Not "0000" so that HRG retries (settle) or a person looks (cancel_bet after 3 h).
            "TRANSACTION_NOT_FOUND":  (x,        x,         x,         x,      x),
            "ALREADY_SETTLED":        (x,        x,         x,         x,      x),
            "IDEMPOTENCY_CONFLICT":   (x,        x,         x,         x,      x),
            "AMOUNT_MISMATCH":        (x,        x,         x,         x,      x),
            "CURRENCY_MISMATCH":      (x,        x,         x,         x,      x),
            "ACCOUNT_EXISTS":         (x,        x,         x,         x,      x),
            # The deployment is wrong (currency not in the core, the gateway's own core token).
            "UNSUPPORTED_CURRENCY":   (x,        x,         x,         x,      x),
            "UNAUTHENTICATED":        (x,        x,         x,         x,      x),
            "TOKEN_EXPIRED":          (x,        x,         x,         x,      x),
            "PERMISSION_DENIED":      (x,        x,         x,         x,      x),
            "RATE_LIMITED":           (x,        x,         x,         x,      x),
            "INTERNAL_ERROR":         (x,        x,         x,         x,      x),
            # Nothing was decided: on place_bet HRG cancels, settle and cancel_bet are retried.
            "STORE_UNAVAILABLE":      (x,        x,         x,         x,      x),
            "GRPC_UNAVAILABLE":       (x,        x,         x,         x,      x),
            "GRPC_DEADLINE_EXCEEDED": (x,        x,         x,         x,      x),
            # Held for review: not "0000", so HRG re-sends the settle until it is approved and paid.
            "PAYOUT_HELD":            (x,        x,         x,         x,      x),
            "PAYOUT_REJECTED":        (x,        x,         x,         x,      x),
        },
        fallback=(x, x, x, x, x),
    )  # fmt: skip


def message_for(code: str, provisional: Provisional) -> str:
    """A short text for a failure's `desc` (and `msg`): what HRG shows a person beside the code."""
    messages = {
        SUCCESS: "success",
        BET_FAILED: "bet failed",
        OTHER_ERROR: "error",
        provisional.invalid_user_code: "invalid user",
        provisional.invalid_parameters_code: "invalid parameters",
        provisional.auth_failure_code: "not allowed",
    }
    return messages.get(code, "error")
