"""The provider simulator: sessions on every gateway playing round after round (`rounds.py`), each
request counted in the phase's tally, until it is told to drain: then no new round starts, and every
open one is played to its end (its retries acknowledged) before the harness reads the ledger."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Callable, Coroutine, Mapping, Sequence
from random import Random
from typing import Any

from faults import rounds
from faults.answers import Answer, Verdict
from faults.dialect import BetDialect
from faults.operator import Operator
from faults.oplog import Operation, OperationLog, Outcome, Round
from faults.plan import Plan
from faults.rounds import FirstAnswer, Send
from faults.sud import Sud
from faults.tally import Tally
from wallet_core.domain import Kind


class Simulator:
    def __init__(
        self,
        log: OperationLog,
        bets: Mapping[str, BetDialect],
        sud: Sud,
        operator: Operator,
        players: Mapping[str, Sequence[str]],
        plan: Plan,
    ) -> None:
        self.log = log
        self.bets = bets
        self.sud = sud
        self.operator = operator
        self.players = players
        self.plan = plan
        self.tally = Tally()
        self.phase = ""
        self.in_flight: Counter[str] = Counter()
        self._stopping = asyncio.Event()
        self._abandon = asyncio.Event()
        self._progress = asyncio.Event()
        """Set each time a request is sent and each time an answer comes."""
        self._tasks: set[asyncio.Task[None]] = set()
        self._crashed: list[BaseException] = []

    # --- what the harness does -------------------------------------------------------------------

    def start(self, phase: str) -> Tally:
        """Start the sessions; the returned tally counts this phase's requests."""
        self.phase, self.tally = phase, Tally()
        self._stopping.clear()
        self._abandon.clear()
        for provider in (*self.bets, self.sud.provider):
            for index in range(self.plan.workers_per_gateway):
                self._spawn(self._session(provider, Random(f"{phase}/{provider}/{index}")))
        return self.tally

    async def drain(self) -> None:
        """No new round; wait for the open ones to be acknowledged, at most `plan.drain_seconds`; then
        give up on what is left (reported by the audit as unresolved)."""
        self._stopping.set()
        if self._tasks:
            _, pending = await asyncio.wait(set(self._tasks), timeout=self.plan.drain_seconds)
            if pending:
                self._abandon.set()
                await asyncio.wait(pending)
        if self._crashed:
            raise self._crashed[0]

    async def probe(self, provider: str) -> Answer:
        """Start one round on `provider` whose first request is a money request (a bet, or SUD points
        consumed) and return that request's answer; the rest of the round (a cancel, a re-send) goes on
        like any other, and the next drain waits for it."""
        first: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        r = self.log.new_round(provider, self.players[provider][0], self.phase)
        if provider in self.bets:
            self._spawn(self._play(r, rounds.bet_round(self, self.bets[provider], r, Random(), first.set_result)))
        else:
            self._spawn(self._play(r, rounds.score_round(self, self.sud, r, Random(), first.set_result, Kind.DEBIT)))
        return await asyncio.wait_for(first, timeout=30)

    async def wait_in_flight(self, channels: Sequence[str], within_seconds: float = 10) -> int:
        """Until a request to one of `channels` is in flight (so that a kill cuts one); how many are."""
        await self._until(lambda: any(self.in_flight[c] for c in channels), within_seconds)
        return sum(self.in_flight[c] for c in channels)

    async def recovery(
        self, channels: Sequence[str], within_seconds: float, *, watching: bool = False
    ) -> dict[str, float]:
        """Seconds from now (`watching`: from the tally's own `watch_recovery`, called earlier) to each
        channel's first acknowledged answer (a channel missing: none came within `within_seconds`)."""
        if not watching:
            self.tally.watch_recovery()
        await self._until(lambda: all(c in self.tally.recovered for c in channels), within_seconds)
        return {c: self.tally.recovered[c] for c in channels if c in self.tally.recovered}

    async def _until(self, condition: Callable[[], bool], within_seconds: float) -> None:
        """Until `condition` holds, looked at after each request sent and each answer, or the time is up."""
        loop = asyncio.get_running_loop()
        give_up = loop.time() + within_seconds
        while not condition() and loop.time() < give_up:
            self._progress.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._progress.wait(), timeout=give_up - loop.time())

    # --- the Sender the round scripts use --------------------------------------------------------

    async def once(self, channel: str, op: Operation, send: Send) -> Answer:
        op.attempts += 1
        self.in_flight[channel] += 1
        self._progress.set()
        try:
            answer = await send()
        finally:
            self.in_flight[channel] -= 1
        self.tally.count(channel, answer)
        self._progress.set()
        return answer

    async def until_acked(self, channel: str, op: Operation, send: Send, first: FirstAnswer | None = None) -> None:
        while True:
            answer = await self.once(channel, op, send)
            if first is not None:
                first(answer)
                first = None
            if answer.verdict is Verdict.OK:
                op.outcome = Outcome.ACKED
                op.acked_on_attempt = op.acked_on_attempt or op.attempts
                return
            if answer.verdict is Verdict.REFUSED:
                op.outcome = Outcome.REFUSED
                return
            if await self._abandoned_after(self.plan.retry_seconds):
                return

    async def repeat(self, channel: str, op: Operation, send: Send) -> None:
        """Send an acknowledged request once more; it must be acknowledged again (and move nothing)."""
        op.repeats += 1
        self.tally.repeats += 1
        answer = await self.once(channel, op, send)
        if answer.verdict is not Verdict.OK and answer.expected and not self._stopping.is_set():
            await self.until_acked(channel, op, send)  # a fault ate the repeat: the vendor sends it again

    # --- sessions ------------------------------------------------------------------------------

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        failure = None if task.cancelled() else task.exception()
        if failure is not None:
            self._crashed.append(failure)

    async def _session(self, provider: str, rng: Random) -> None:
        while not self._stopping.is_set():
            r = self.log.new_round(provider, rng.choice(self.players[provider]), self.phase)
            if provider in self.bets:
                script = rounds.bet_round(self, self.bets[provider], r, rng)
            elif rng.random() < 0.5:
                script = rounds.score_round(self, self.sud, r, rng)
            else:
                script = rounds.table_round(self, self.sud, self.operator, r, rng)
            await self._play(r, script)
            await asyncio.sleep(self.plan.think_seconds)

    async def _play(self, r: Round, script: Coroutine[Any, Any, None]) -> None:
        await script
        r.done = all(op.outcome is not Outcome.PENDING for op in r.ops)

    async def _abandoned_after(self, seconds: float) -> bool:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._abandon.wait(), timeout=seconds)
        return self._abandon.is_set()
