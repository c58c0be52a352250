"""Rate limits per key (an agent, a merchant), on the `limits` library's moving window.

The rate is written in `limits` notation ("1 per 5 seconds"). The storage is in-process memory by
default; a deployment running several gateway processes gives a shared storage URI (for example a
Redis one) so that they count together.
"""

from limits import RateLimitItem, parse
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from gateways.kit.refusals import GatewayReason, Refusal

IN_MEMORY = "async+memory://"


class RateLimiter:
    """At most `rate` hits per key; a refused hit is not counted."""

    def __init__(self, rate: str, storage_uri: str = IN_MEMORY) -> None:
        self.rate: RateLimitItem = parse(rate)
        storage = storage_from_string(storage_uri)
        if not isinstance(storage, Storage):
            raise ValueError(f"{storage_uri!r} is not an async storage (its scheme starts with 'async+')")
        self._limiter = MovingWindowRateLimiter(storage)

    async def check(self, key: str) -> None:
        """Count one hit for `key`, or Refusal(RATE_LIMITED) when the key is over its rate."""
        if not await self._limiter.hit(self.rate, key):
            raise Refusal(GatewayReason.RATE_LIMITED, f"{key!r} is over {self.rate}")
