"""HRG's decimals: strings with at most 4 decimal places (hrg.md, seed 001).

Amounts (stakes, wins, valid bets, commissions, fees, promotion credits) are plain non-negative
decimal strings (the kit's rule: no sign, exponent, NaN, spaces or separators) with at most 4
decimals; more is refused, never rounded. Whether the wallet currency's scale takes them is the
core's decision. Odds are not money and may be negative ("-1.0" for a lost bet); they follow the
same rule with an optional minus sign.
"""

from decimal import Decimal

from gateways.kit.money import parse_amount
from gateways.kit.refusals import GatewayReason, Refusal

MAX_DECIMALS = 4


def _decimals(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def check_amount(text: str, field: str) -> str:
    """`text` as sent, or Refusal(INVALID_AMOUNT) unless it is an amount HRG may send."""
    try:
        value = parse_amount(text)
    except Refusal as refusal:
        raise Refusal(GatewayReason.INVALID_AMOUNT, f"field {field!r}: {refusal.detail}") from None
    if _decimals(value) > MAX_DECIMALS:
        raise Refusal(GatewayReason.INVALID_AMOUNT, f"field {field!r} has more than {MAX_DECIMALS} decimals")
    return text


def check_signed_decimal(text: str, field: str) -> str:
    """`text` as sent, or Refusal(MALFORMED_REQUEST) unless it is an optionally negative decimal
    with at most 4 decimals (odds)."""
    try:
        check_amount(text.removeprefix("-"), field)
    except Refusal as refusal:
        raise Refusal(GatewayReason.MALFORMED_REQUEST, refusal.detail) from None
    return text
