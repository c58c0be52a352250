"""Sign-in attempts counted per staff name and per client address, on the `limits` library's moving
window. Past either limit a sign-in is refused before its password is checked, until the oldest
attempt in the window is old enough: guessing a password costs an attacker the window's length per
few tries, and the console stops spending argon2's CPU and memory on them.

An attempt is counted when it starts, not when its password turns out wrong, so that a burst sent in
parallel is held to the limit as the same tries one after the other would be. A sign-in that
succeeds clears its name's count: the name's limit is on the failures in a row (a person's password
under attack). The address's counts every attempt, and is looser: several staff members may sign
in from behind one proxy. The counts are this process's: each console process keeps its own.
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter

_NAMESPACE = "console-signin"


class SigninLimits:
    def __init__(self, per_name: str, per_address: str) -> None:
        """``per_name``, ``per_address``: attempts allowed, in `limits` notation ("5 per 15 minutes")."""
        self._per_name: RateLimitItem = parse(per_name)
        self._per_address: RateLimitItem = parse(per_address)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    async def attempt(self, name: str, address: str) -> int:
        """0: the attempt is counted and may go on; else the seconds until every window it is over
        has room again (a window it was within counts it all the same)."""
        wait = 0
        for item, kind, key in ((self._per_name, "name", name), (self._per_address, "address", address)):
            if not await self._limiter.hit(item, _NAMESPACE, kind, key):  # counted only when within
                stats = await self._limiter.get_window_stats(item, _NAMESPACE, kind, key)
                wait = max(wait, math.ceil(stats.reset_time - time.time()), 1)
        return wait

    async def succeeded(self, name: str) -> None:
        await self._limiter.clear(self._per_name, _NAMESPACE, "name", name)
