"""The replay window: a request's own timestamp must be close to the gateway's clock."""

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from gateways.kit.refusals import GatewayReason, Refusal


@dataclass(frozen=True)
class TimestampWindow:
    """Accepts timestamps at most `seconds` away from now, in the past or (clock skew) the future."""

    seconds: float
    clock: Callable[[], float] = field(default=time.time, repr=False, compare=False)

    def check_ms(self, timestamp_ms: int) -> None:
        """Refusal(STALE_TIMESTAMP) unless `timestamp_ms` (ms since the epoch) is inside the window."""
        skew = abs(self.clock() - timestamp_ms / 1000)
        if skew > self.seconds:
            raise Refusal(
                GatewayReason.STALE_TIMESTAMP, f"timestamp {timestamp_ms} is {skew:.0f} s away from now"
            )
