"""The group-commit batcher: one batch in flight, the next made of whatever arrived meanwhile."""

from __future__ import annotations

import asyncio

import pytest

from wallet_core.store.batcher import Batcher


class Failed(Exception):
    pass


class Store:
    """An ``apply`` that records each batch and can be held open or made to fail."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.gate = asyncio.Event()
        self.gate.set()
        self.fail_with: Exception | None = None

    async def apply(self, items: list[str]) -> list[str]:
        self.batches.append(list(items))
        await self.gate.wait()
        if self.fail_with is not None:
            raise self.fail_with
        return [item.upper() for item in items]


def _failed(error: BaseException) -> BaseException:
    return Failed(str(error))


async def test_a_lone_call_goes_at_once_from_its_own_task() -> None:
    tasks: list[asyncio.Task[object] | None] = []

    async def apply(items: list[str]) -> list[str]:
        tasks.append(asyncio.current_task())
        return [item.upper() for item in items]

    batcher = Batcher(apply, 8, _failed)

    async def call() -> tuple[str, asyncio.Task[object] | None]:
        return await batcher.submit("a"), asyncio.current_task()

    answer, caller = await call()
    assert answer == "A" and tasks == [caller]


async def test_calls_that_arrive_during_a_batch_go_together_in_order_and_within_the_bound() -> None:
    store = Store()
    batcher = Batcher(store.apply, 3, _failed)
    store.gate.clear()
    first = asyncio.create_task(batcher.submit("a"))
    await asyncio.sleep(0.01)  # "a" is in flight, held at the gate
    later = [asyncio.create_task(batcher.submit(name)) for name in "bcdef"]
    await asyncio.sleep(0.01)
    store.gate.set()
    assert await asyncio.gather(first, *later) == ["A", "B", "C", "D", "E", "F"]
    assert store.batches == [["a"], ["b", "c", "d"], ["e", "f"]]


async def test_a_failed_batch_fails_each_of_its_callers_with_its_own_exception_and_the_next_batch_goes_on() -> None:
    store = Store()
    batcher = Batcher(store.apply, 8, _failed)
    store.gate.clear()
    store.fail_with = RuntimeError("connection lost")
    held = [asyncio.create_task(batcher.submit(name)) for name in "ab"]
    await asyncio.sleep(0.01)
    store.gate.set()
    outcomes = await asyncio.gather(*held, return_exceptions=True)
    assert all(isinstance(o, Failed) and str(o) == "connection lost" for o in outcomes)
    assert outcomes[0] is not outcomes[1]
    store.fail_with = None
    assert await batcher.submit("c") == "C"


async def test_a_batch_that_answers_the_wrong_number_of_results_fails_its_callers() -> None:
    async def short(items: list[str]) -> list[str]:
        return items[:-1]

    batcher = Batcher(short, 8, _failed)
    outcomes = await asyncio.gather(batcher.submit("a"), batcher.submit("b"), return_exceptions=True)
    assert [type(o) for o in outcomes] == [Failed, Failed]


async def test_a_caller_that_gave_up_before_its_batch_left_is_not_sent() -> None:
    store = Store()
    batcher = Batcher(store.apply, 8, _failed)
    store.gate.clear()
    first = asyncio.create_task(batcher.submit("a"))
    await asyncio.sleep(0.01)
    gave_up = asyncio.create_task(batcher.submit("b"))
    kept = asyncio.create_task(batcher.submit("c"))
    await asyncio.sleep(0.01)
    gave_up.cancel()
    store.gate.set()
    assert await first == "A" and await kept == "C"
    with pytest.raises(asyncio.CancelledError):
        await gave_up
    assert store.batches == [["a"], ["c"]]


async def test_close_waits_for_the_calls_already_submitted() -> None:
    store = Store()
    batcher = Batcher(store.apply, 8, _failed)
    store.gate.clear()
    pending = [asyncio.create_task(batcher.submit(name)) for name in "ab"]  # "a" in flight, "b" waiting
    await asyncio.sleep(0.01)
    closing = asyncio.create_task(batcher.close())
    await asyncio.sleep(0.01)
    assert not closing.done()
    store.gate.set()
    await closing
    assert [task.done() for task in pending] == [True, True]
    assert await asyncio.gather(*pending) == ["A", "B"]
    await batcher.close()  # closing an idle batcher returns at once


def test_a_batch_holds_at_least_one_item() -> None:
    with pytest.raises(ValueError):
        Batcher(Store().apply, 0, _failed)
