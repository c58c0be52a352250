"""The load generator's engine: N workers over a shared list of requests, every latency kept.

A case is prepared (payloads built, connections opened, warm-up run) before its clock starts;
`run()` is the timed part and returns its figures: every latency (µs), how each request ended,
the wall time and the generator's own CPU time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from bench.stats import own_cpu_seconds

MAX_ERROR_KINDS = 10
WARMUP_SECONDS = 3.0  # a warm-up stops early on a slow server: it only has to warm


class Case(Protocol):
    async def prepare(self) -> None: ...

    async def run(self) -> dict[str, Any]: ...

    async def close(self) -> None: ...


class Tally:
    """Every latency (ns) and how each request ended."""

    def __init__(self) -> None:
        self.latencies: list[int] = []
        self.ok = 0
        self.failed = 0
        self.errors: dict[str, int] = {}

    def fail(self, why: str) -> None:
        self.failed += 1
        if why in self.errors or len(self.errors) < MAX_ERROR_KINDS:
            self.errors[why] = self.errors.get(why, 0) + 1

    def figures(self, elapsed: float, cpu: float) -> dict[str, Any]:
        return {
            "requests": len(self.latencies),
            "ok": self.ok,
            "failed": self.failed,
            "errors": self.errors,
            "elapsed_s": elapsed,
            "generator_cpu_s": cpu,
            "latencies_us": [ns // 1000 for ns in self.latencies],
        }


async def drive(
    items: int, concurrency: int, step: Callable[[int, int], Awaitable[None]], max_seconds: float | None = None
) -> tuple[float, float]:
    """Run `step(worker, item)` for the items over `concurrency` workers, taking no new item after
    `max_seconds`: (wall s, own CPU s)."""
    remaining = iter(range(items))
    clock = time.perf_counter
    started = clock()
    stop_at = started + max_seconds if max_seconds else float("inf")

    async def worker(k: int) -> None:
        for i in remaining:
            await step(k, i)
            if clock() > stop_at:
                return

    cpu = own_cpu_seconds()
    await asyncio.gather(*(worker(k) for k in range(concurrency)))
    return clock() - started, own_cpu_seconds() - cpu


def host_port(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    return host, int(port)
