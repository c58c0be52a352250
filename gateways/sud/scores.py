"""SUD's score points and the wallet's money: one configured rate, exact both ways or refused.

A point is worth `point_value` of the wallet currency ("1.00" USD in the demo, "0.01" USD, "1"
COIN). Points to money (what moves) is an exact product or a Refusal(INVALID_AMOUNT); whether the
product fits the currency's scale is the core's decision (more decimals than the scale is refused
there, never rounded). Money to points happens only to *show* a balance in an answer: a balance
that is not a whole number of points is shown floored to the point below, and never moves money.
"""

from dataclasses import dataclass
from decimal import Context, Decimal, Inexact, InvalidOperation

from gateways.kit.money import parse_amount
from gateways.kit.refusals import GatewayReason, Refusal

MAX_POINTS = 2**63 - 1
"""SUD's scores are int64 at most."""

# Wide enough for any product or quotient of a 19-digit score and a kit-valid rate; any rounding
# would be trapped as an error rather than applied.
_EXACT = Context(prec=80, traps=[Inexact, InvalidOperation])


@dataclass(frozen=True)
class PointRate:
    """The wallet amount one score point is worth."""

    point_value: Decimal

    @classmethod
    def parse(cls, text: str) -> "PointRate":
        """From a plain positive decimal string ("1.00", "0.01"); ValueError otherwise."""
        try:
            value = parse_amount(text)
        except Refusal as refusal:
            raise ValueError(f"point value {text!r} is not a plain decimal string") from refusal
        if value <= 0:
            raise ValueError(f"point value {text!r} must be positive")
        return cls(value)

    def to_amount(self, points: int) -> str:
        """The wallet amount of `points` (0 or more), as a decimal string, exactly."""
        if points < 0 or points > MAX_POINTS:
            raise Refusal(GatewayReason.INVALID_AMOUNT, f"{points} points is out of range")
        try:
            amount = _EXACT.multiply(Decimal(points), self.point_value)
        except (Inexact, InvalidOperation) as error:
            raise Refusal(GatewayReason.INVALID_AMOUNT, f"{points} points do not convert exactly") from error
        return f"{amount:f}"

    def points_shown(self, balance: str) -> int:
        """A wallet balance (a core decimal string) in whole points, floored: for answers only."""
        value = Decimal(balance)
        whole = _EXACT.divide_int(value, self.point_value)
        if value < 0 and _EXACT.multiply(whole, self.point_value) != value:
            whole -= 1
        return int(whole)
