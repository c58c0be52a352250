"""Latency as providers see it: requests sent at a constant arrival rate, on schedule, not when the
previous answer came back.

A closed loop (`load.drive`: N workers, each sending its next request when its last one was
answered) sends less when the server slows down, so the requests that would have waited are never
sent and the queueing never measured ("coordinated omission"). Here the i-th request is due at
`start + i / rate` whatever happened before; its latency counts from when it was due, so time
spent waiting for a free connection, or behind a late generator, counts as the provider would see
it. A request sent more than `LATE_MS` after it was due is counted as late (`late_sends`): many
of them mean the generator itself could not keep the rate.

AIGame (`PacedAIGameCase`): each arrival is a bet, due on schedule, and its payout, sent on the
same connection as soon as the bet was answered (the provider's next call of the round), timed
from then.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from typing import Any

from bench.aigame_case import SUCCESS, AIGameCase
from bench.http1 import Http1Connection, HttpConnectionFailed
from bench.load import Tally
from bench.stats import own_cpu_seconds

LATE_MS = 1.0
SLEEP_AT_LEAST_S = 0.0005  # closer than this to its due time, a request is sent at once


def due_times(rate: float, count: int) -> list[float]:
    """Seconds after the start when each of `count` requests is due, at `rate` a second."""
    if rate <= 0:
        raise ValueError(f"a rate above 0: {rate}")
    return [i / rate for i in range(count)]


async def paced(
    rate: float, count: int, send: Callable[[int, float], Coroutine[Any, Any, None]], max_seconds: float | None = None
) -> tuple[float, float, int]:
    """Start `send(i, due)` for each request at its due time (`time.perf_counter` seconds), without
    waiting for earlier ones to finish, taking no new request after `max_seconds`; then wait for all.
    (wall s, own CPU s, sends late by more than LATE_MS)."""
    clock = time.perf_counter
    running: set[asyncio.Task[None]] = set()
    late = 0
    cpu = own_cpu_seconds()
    start = clock()
    for i, offset in enumerate(due_times(rate, count)):
        if max_seconds is not None and offset > max_seconds:
            break
        due = start + offset
        ahead = due - clock()
        if ahead > SLEEP_AT_LEAST_S:
            await asyncio.sleep(ahead)
        elif -ahead * 1000 > LATE_MS:
            late += 1
        task = asyncio.create_task(send(i, due))
        running.add(task)
        task.add_done_callback(running.discard)
    while running:
        await asyncio.gather(*running)
    return clock() - start, own_cpu_seconds() - cpu, late


class PacedAIGameCase(AIGameCase):
    """AIGame bets at `rate` a second (each followed by its payout) over a pool of `concurrency`
    keep-alive connections; an arrival that finds every connection busy waits for one, and that
    wait is part of its latency."""

    def __init__(self, spec: dict[str, Any]) -> None:
        super().__init__(spec)
        self.rate: float = spec["rate"]
        self.idle: asyncio.Queue[Http1Connection] = asyncio.Queue()

    async def prepare(self) -> None:
        await super().prepare()  # payloads, connections, warm-up
        for connection in self.connections:
            self.idle.put_nowait(connection)

    def _paced_send(self, tally: Tally) -> Callable[[int, float], Coroutine[Any, Any, None]]:
        pairs, idle = self.bets, self.idle

        async def one(connection: Http1Connection, raw: bytes, since: float) -> None:
            try:
                status, body = await connection.request(raw)
            except HttpConnectionFailed as error:
                status, body = 0, str(error).encode()
            tally.latencies.append(int((time.perf_counter() - since) * 1e9))
            if status == 200 and body.startswith(SUCCESS):
                tally.ok += 1
            else:
                tally.fail(f"HTTP {status}: {body[:120].decode('utf-8', 'replace')}")

        async def send(i: int, due: float) -> None:
            bet, payout = pairs[i]
            connection = await idle.get()
            try:
                await one(connection, bet, due)
                await one(connection, payout, time.perf_counter())
            finally:
                idle.put_nowait(connection)

        return send

    async def run(self) -> dict[str, Any]:
        tally = Tally()
        elapsed, cpu, late = await paced(
            self.rate, len(self.bets), self._paced_send(tally), self.spec.get("max_seconds")
        )
        figures = tally.figures(elapsed, cpu)
        figures["late_sends"] = late
        return figures


def aigame_paced_task(
    name: str, address: str, bet_path: str, payout_path: str, *, players: int, rate: float, seconds: float, pool: int
) -> dict[str, Any]:
    """A paced AIGame case of the generator: `rate` bets a second (each with its payout) for `seconds`."""
    return {
        "kind": "aigame-paced",
        "name": name,
        "address": address,
        "bet_path": bet_path,
        "payout_path": payout_path,
        "players": players,
        "concurrency": pool,
        "requests": 2 * max(1, int(rate * seconds)),
        "warmup": 0,
        "rate": rate,
        "max_seconds": seconds,
    }
