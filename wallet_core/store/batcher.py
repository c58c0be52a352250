"""Group commit: calls that arrive while a batch is in flight wait, and go together as the next one.

One batch in flight at a time, with no timer: a lone call goes at once (a batch of one), and under
load the batch grows by itself to what arrived during the previous round trip. The store then pays
one round trip and one commit for many calls, and two batches of one process never hold locks
at the same time (so they cannot deadlock each other).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


class Batcher(Generic[Item, Result]):
    """``submit`` one item and get its result; ``apply`` gets up to ``max_size`` items in the
    order they came and answers one result per item, in the same order. If ``apply`` raises,
    ``failure(error)`` is raised to every caller of that batch (one exception object each)."""

    def __init__(
        self,
        apply: Callable[[list[Item]], Awaitable[Sequence[Result]]],
        max_size: int,
        failure: Callable[[BaseException], BaseException],
    ) -> None:
        if max_size < 1:
            raise ValueError("a batch holds at least one item")
        self._apply = apply
        self._max_size = max_size
        self._failure = failure
        self._idle = asyncio.Event()  # cleared while a batch is in flight; what close waits for
        self._idle.set()
        self._waiting: list[tuple[Item, asyncio.Future[Result]]] = []
        self._draining: asyncio.Task[None] | None = None  # held: the loop keeps only weak references to tasks

    async def submit(self, item: Item) -> Result:
        if not self._idle.is_set():  # a batch is in flight: this call goes with the next one
            future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
            self._waiting.append((item, future))
            return await future
        # Nothing in flight: this call is a batch of one, sent from the caller's own task (no task
        # to create and wake: measured about 100 µs less per call when calls come one at a time).
        self._idle.clear()
        try:
            results = await self._apply([item])
            if len(results) != 1:
                raise RuntimeError(f"a batch of 1 item answered {len(results)} results")
        except Exception as error:
            raise self._failure(error) from error
        finally:
            self._drain_soon()
        return results[0]

    def _drain_soon(self) -> None:
        """The calls that arrived meanwhile go as the next batch, from a task of their own."""
        if self._waiting:
            self._draining = asyncio.create_task(self._drain())
        else:
            self._idle.set()

    async def _drain(self) -> None:
        try:
            while self._waiting:
                # A caller that gave up (its RPC was cancelled) before its batch left is dropped:
                # nothing was written for it, and a retry is a new call.
                batch = [(item, future) for item, future in self._waiting[: self._max_size] if not future.done()]
                del self._waiting[: self._max_size]
                if batch:
                    await self._run(batch)
        finally:
            self._draining = None
            self._idle.set()

    async def _run(self, batch: list[tuple[Item, asyncio.Future[Result]]]) -> None:
        try:
            results = await self._apply([item for item, _ in batch])
            if len(results) != len(batch):
                raise RuntimeError(f"a batch of {len(batch)} items answered {len(results)} results")
        except asyncio.CancelledError:
            for _, future in batch:
                future.cancel()
            raise
        except Exception as error:  # every caller learns of it; the drain goes on with the next batch
            for _, future in batch:
                if not future.done():
                    future.set_exception(self._failure(error))
            return
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(result)

    async def close(self) -> None:
        """Wait for the calls already submitted (callers keep their answers)."""
        await self._idle.wait()
