"""Exact money on the wire: decimal strings in, decimal strings out; never a float.

An amount a provider sends must be a plain non-negative decimal ("10", "19.50"): no sign, no
exponent, no NaN or infinity, no spaces, no thousands separators, and no more digits before or
after its point than the core reads (wallet.contract_limits). Whether it has more decimals than its
currency allows is the core's decision (it knows the scales) and is refused there, never rounded here.
"""

import re
from decimal import Decimal

from gateways.kit.refusals import GatewayReason, Refusal
from wallet.contract_limits import AMOUNT_MAX_DECIMALS, AMOUNT_MAX_INTEGER_DIGITS

_PLAIN_DECIMAL = re.compile(
    rf"(?:0|[1-9][0-9]{{0,{AMOUNT_MAX_INTEGER_DIGITS - 1}}})(?:\.[0-9]{{1,{AMOUNT_MAX_DECIMALS}}})?"
)


def parse_amount(text: str) -> Decimal:
    """The exact value of a plain non-negative decimal string, or a Refusal(INVALID_AMOUNT)."""
    if not _PLAIN_DECIMAL.fullmatch(text):
        raise Refusal(GatewayReason.INVALID_AMOUNT, f"not a plain non-negative decimal: {text[:40]!r}")
    return Decimal(text)


def format_at_scale_of(value: Decimal, template: str) -> str:
    """`value` written with as many decimals as the decimal string `template` (a core amount).

    Used to answer derived amounts (a net win) at the same scale as the core's own amounts.
    Refuses to round: `value` must fit that scale exactly.
    """
    exponent = Decimal(template).as_tuple().exponent
    if not isinstance(exponent, int):
        raise ValueError(f"not a finite decimal: {template!r}")
    quantized = value.quantize(Decimal(1).scaleb(exponent))
    if quantized != value:
        raise ValueError(f"{value} does not fit the scale of {template!r}")
    return f"{quantized:f}"
