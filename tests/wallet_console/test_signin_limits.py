"""Sign-in attempts counted per name and per address when they start: past either limit, a wait;
a success clears its name's count."""

from __future__ import annotations

import asyncio

from wallet_console.signin_limits import SigninLimits


async def test_a_name_past_its_attempts_waits_for_the_window_from_any_address() -> None:
    limits = SigninLimits("2 per 10 minutes", "10 per 10 minutes")
    assert [await limits.attempt("ann", "10.0.0.1") for _ in range(2)] == [0, 0]
    assert 590 <= await limits.attempt("ann", "10.0.0.2") <= 600
    assert await limits.attempt("fin", "10.0.0.1") == 0


async def test_an_address_past_its_attempts_waits_whatever_the_name() -> None:
    limits = SigninLimits("5 per minute", "3 per minute")
    assert [await limits.attempt(name, "10.0.0.1") for name in ("ann", "bob", "cy", "fin")] == [0, 0, 0, 60]
    assert await limits.attempt("fin", "10.0.0.2") == 0


async def test_a_burst_in_parallel_is_held_to_the_limit() -> None:
    limits = SigninLimits("3 per minute", "100 per minute")
    waits = await asyncio.gather(*(limits.attempt("ann", f"10.0.0.{i}") for i in range(20)))
    assert sum(1 for wait in waits if wait == 0) == 3


async def test_a_success_clears_the_names_count_not_the_addresss() -> None:
    limits = SigninLimits("2 per minute", "3 per minute")
    assert [await limits.attempt("ann", "10.0.0.1") for _ in range(2)] == [0, 0]
    await limits.succeeded("ann")
    assert await limits.attempt("ann", "10.0.0.2") == 0
    assert await limits.attempt("fin", "10.0.0.1") == 0  # the address's third
    assert await limits.attempt("ann", "10.0.0.1") > 0


async def test_the_wait_ends_with_the_window() -> None:
    limits = SigninLimits("1 per 1 second", "10 per 1 second")
    assert await limits.attempt("ann", "10.0.0.1") == 0
    assert await limits.attempt("ann", "10.0.0.1") == 1
    await asyncio.sleep(1.1)
    assert await limits.attempt("ann", "10.0.0.1") == 0
