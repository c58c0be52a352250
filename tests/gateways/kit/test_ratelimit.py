import asyncio

import pytest

from gateways.kit.ratelimit import RateLimiter
from gateways.kit.refusals import GatewayReason, Refusal


async def refused(limiter: RateLimiter, key: str) -> bool:
    try:
        await limiter.check(key)
    except Refusal as refusal:
        assert refusal.reason is GatewayReason.RATE_LIMITED
        return True
    return False


async def test_a_key_over_its_rate_is_refused_and_other_keys_are_not() -> None:
    limiter = RateLimiter("1 per 5 seconds")
    assert not await refused(limiter, "agent001")
    assert await refused(limiter, "agent001")
    assert not await refused(limiter, "agent002")


async def test_the_window_moves_and_refused_hits_do_not_count() -> None:
    limiter = RateLimiter("1 per 1 second")
    assert not await refused(limiter, "agent001")
    await asyncio.sleep(0.5)
    assert await refused(limiter, "agent001")
    await asyncio.sleep(0.6)
    assert not await refused(limiter, "agent001")


def test_a_rate_must_be_in_limits_notation() -> None:
    with pytest.raises(ValueError):
        RateLimiter("once every five seconds")


def test_the_storage_must_be_an_async_one() -> None:
    with pytest.raises(ValueError, match="async"):
        RateLimiter("1 per 5 seconds", "memory://")
