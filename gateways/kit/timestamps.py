"""Provider times: the replay window on a request's own timestamp, and event times for the core."""

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from google.protobuf.timestamp_pb2 import Timestamp

from gateways.kit.refusals import GatewayReason, Refusal


@dataclass(frozen=True)
class TimestampWindow:
    """Accepts timestamps at most `seconds` away from now, in the past or (clock skew) the future."""

    seconds: float
    clock: Callable[[], float] = field(default=time.time, repr=False, compare=False)

    def check_ms(self, timestamp_ms: int) -> None:
        """Refusal(STALE_TIMESTAMP) unless `timestamp_ms` (ms since the epoch) is inside the window.

        Computed in integer milliseconds: any integer a provider sends (2**64, 10**400) is compared
        exactly, never converted to a float that could overflow."""
        skew_ms = abs(round(self.clock() * 1000) - timestamp_ms)
        if skew_ms > self.seconds * 1000:
            if skew_ms < 10**15:
                detail = f"timestamp {timestamp_ms} is {skew_ms // 1000} s away from now"
            else:
                detail = f"timestamp {str(timestamp_ms)[:20]}... is absurdly far from now"
            raise Refusal(GatewayReason.STALE_TIMESTAMP, detail)


_LAST_MS = 253_402_300_799_999  # 9999-12-31T23:59:59.999Z, the last instant a protobuf Timestamp holds


def timestamp_from_ms(ms: int) -> Timestamp:
    """A protobuf Timestamp for a provider's event time in ms, or Refusal(MALFORMED_REQUEST) when absurd."""
    timestamp = Timestamp()
    set_ms(timestamp, ms)
    return timestamp


def set_ms(target: Timestamp, ms: int) -> None:
    """`target` (a request's own Timestamp field, then set) := the event time `ms`, as timestamp_from_ms
    gives it, without building and copying another; Refusal(MALFORMED_REQUEST) when absurd."""
    if not 0 <= ms <= _LAST_MS:
        raise Refusal(GatewayReason.MALFORMED_REQUEST, f"time {ms} ms is out of range")
    target.SetInParent()
    target.FromMilliseconds(ms)


def ms_of(timestamp: Timestamp) -> int:
    """Milliseconds since the epoch of a Timestamp (0 for an unset one)."""
    return int(timestamp.ToMilliseconds())
