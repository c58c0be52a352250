"""Why the core refuses a request: an UPPER_SNAKE_CASE reason plus the dynamic values.

The reasons mirror the ``ErrorReason`` enum of the wallet.v1 contract; the gRPC entrypoint
turns a ``WalletError`` into a status code and one ``google.rpc.ErrorInfo``.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    INVALID_ARGUMENT = "INVALID_ARGUMENT"
    INVALID_AMOUNT = "INVALID_AMOUNT"
    UNSUPPORTED_CURRENCY = "UNSUPPORTED_CURRENCY"
    CURRENCY_MISMATCH = "CURRENCY_MISMATCH"
    ACCOUNT_NOT_FOUND = "ACCOUNT_NOT_FOUND"
    ACCOUNT_EXISTS = "ACCOUNT_EXISTS"
    TRANSACTION_NOT_FOUND = "TRANSACTION_NOT_FOUND"
    INSUFFICIENT_FUNDS = "INSUFFICIENT_FUNDS"
    ALREADY_ROLLED_BACK = "ALREADY_ROLLED_BACK"
    ALREADY_SETTLED = "ALREADY_SETTLED"
    IDEMPOTENCY_CONFLICT = "IDEMPOTENCY_CONFLICT"
    PLAYER_MISMATCH = "PLAYER_MISMATCH"
    AMOUNT_MISMATCH = "AMOUNT_MISMATCH"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    STORE_UNAVAILABLE = "STORE_UNAVAILABLE"
    TOKEN_EXPIRED = "TOKEN_EXPIRED"
    PLAYER_BLOCKED = "PLAYER_BLOCKED"
    PAYOUT_HELD = "PAYOUT_HELD"
    PAYOUT_REJECTED = "PAYOUT_REJECTED"
    LIMIT_REACHED = "LIMIT_REACHED"


class WalletError(Exception):
    """A refusal. ``metadata`` holds the dynamic values (all strings, as ErrorInfo wants)."""

    def __init__(self, reason: Reason, message: str, **metadata: object) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.metadata = {key: str(value) for key, value in metadata.items()}


def account_not_found(player_id: str, currency: str) -> WalletError:
    return WalletError(
        Reason.ACCOUNT_NOT_FOUND, f"{player_id!r} has no {currency} account", player_id=player_id, currency=currency
    )


class StoreUnavailable(WalletError):
    """Nothing was decided (database down, deadline passed): the caller may retry."""

    def __init__(self, message: str) -> None:
        super().__init__(Reason.STORE_UNAVAILABLE, message)
