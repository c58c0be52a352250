"""HRG's decimals: strings with at most 4 decimal places (hrg.md, seed 001).

The amounts that move money (a stake, a gross win, a promotion credit) are plain non-negative
decimal strings (the kit's rule: no sign, exponent, NaN, spaces or separators) with at most 4
decimals; more is refused, never rounded. Whether the wallet currency's scale takes them is the
core's decision. Amounts that move nothing (validBetAmount, commission, fee, odds) are descriptive
and never checked (gateways/hrg/requests.py).
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
