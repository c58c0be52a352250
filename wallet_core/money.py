"""Exact money: decimal strings on the wire, integer minor units in the store.

A value with more decimals than its currency's scale is refused, never rounded;
floats never touch money.
"""

from __future__ import annotations

import re
from decimal import Context, Decimal

from wallet.contract_limits import AMOUNT_MAX_DECIMALS, AMOUNT_MAX_INTEGER_DIGITS
from wallet_core.errors import Reason, WalletError

# Plain decimal notation only: ASCII digits with an optional fraction. No sign, exponent,
# NaN/Infinity, spaces, thousands separators or non-ASCII digits (which Decimal would accept).
_DECIMAL = re.compile(r"([0-9]+)(?:\.([0-9]+))?")
MAX_DIGITS = AMOUNT_MAX_INTEGER_DIGITS  # minor units stay well inside a signed 64-bit integer
MAX_DECIMALS = AMOUNT_MAX_DECIMALS
# Wide enough that no operation below ever rounds (the default context keeps 28 digits).
_EXACT = Context(prec=MAX_DIGITS + MAX_DECIMALS + 4)
# Minor units, not the major amount, must fit: "999999999999999999" USD is 10**20 cents.
_MAX_MINOR = 10**MAX_DIGITS


def parse_amount(amount: str, *, field: str = "amount") -> Decimal:
    """A non-negative decimal string, exactly; anything else is INVALID_AMOUNT."""
    match = _DECIMAL.fullmatch(amount)
    if match is None:
        problem = "must not be negative" if amount.startswith("-") else "must be a decimal string like 12.50"
        raise WalletError(Reason.INVALID_AMOUNT, f"{field} {problem}", field=field, value=amount[:64])
    if len(match.group(1).lstrip("0")) > MAX_DIGITS:
        raise WalletError(Reason.INVALID_AMOUNT, f"{field} is too large", field=field, value=amount[:64])
    if len(match.group(2) or "") > MAX_DECIMALS:
        raise WalletError(Reason.INVALID_AMOUNT, f"{field} has too many decimals", field=field, value=amount[:64])
    return Decimal(amount)


def canonical(value: Decimal) -> str:
    """One spelling per value ("10", "10.0" and "10.00" are the same amount)."""
    return format(value.normalize(_EXACT), "f")


def to_minor(value: Decimal, currency: str, scale: int, *, field: str = "amount") -> int:
    """Minor units of ``value`` at ``scale`` decimals, refusing anything finer."""
    minor = value.scaleb(scale, _EXACT)
    if minor != minor.to_integral_value():
        raise WalletError(
            Reason.INVALID_AMOUNT,
            f"{field} has more decimals than {currency} allows ({scale})",
            field=field,
            value=canonical(value),
            currency=currency,
            scale=scale,
        )
    if abs(minor) >= _MAX_MINOR:
        raise WalletError(
            Reason.INVALID_AMOUNT,
            f"{field} is too large for {currency}",
            field=field,
            value=canonical(value),
            currency=currency,
            scale=scale,
        )
    return int(minor)


def to_decimal_string(minor: int, scale: int) -> str:
    """Format minor units at a scale: (1950, 2) -> "19.50"; (-9500, 2) -> "-95.00"."""
    # format "f": str() would answer "1E-8" for (1, 8) and "0E-8" for (0, 8).
    return format(Decimal(minor).scaleb(-scale, _EXACT), "f")
