"""Driving the load generator process and measuring around it.

The generator prepares a case (payloads, connections, warm-up) and says it is ready; only then
are the CPU counters of the servers, the database's backends and the machine read, the case is
run, and they are read again. The generator measures its own CPU time over the timed part.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bench import proc
from bench.servers import Server, child_environment
from bench.stats import rate, summarize


class GeneratorFailed(Exception):
    pass


class Generator:
    """`python -m bench.generator` as a child process, spoken to in JSON lines."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @classmethod
    async def start(cls) -> Generator:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.generator", stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            env=child_environment(), limit=2**24,
        )
        return cls(process)

    @property
    def pid(self) -> int:
        return self.process.pid

    async def _ask(self, message: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(message).encode() + b"\n")
        await self.process.stdin.drain()
        line = await self.process.stdout.readline()
        if not line:
            raise GeneratorFailed(f"the generator exited ({await self.process.wait()})")
        reply: dict[str, Any] = json.loads(line)
        if "error" in reply:
            raise GeneratorFailed(f"{reply['error']}\n{reply.get('traceback', '')}")
        return reply

    async def prepare(self, task: dict[str, Any]) -> None:
        await self._ask({"op": "prepare", "task": task})

    async def go(self) -> dict[str, Any]:
        result: dict[str, Any] = (await self._ask({"op": "go"}))["result"]
        return result

    async def close(self) -> None:
        await self._ask({"op": "close"})

    async def quit(self) -> None:
        if self.process.returncode is None:
            assert self.process.stdin is not None
            self.process.stdin.write(b'{"op": "quit"}\n')
            self.process.stdin.close()
            try:
                await asyncio.wait_for(self.process.wait(), timeout=10)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


@dataclass
class Row:
    """One measured case (or several rounds of it, merged): what the table prints and the JSON keeps.

    CPU is kept as seconds per component: `generator` (its own, over its timed part), `server_<name>`
    (summed over the processes of that name), `database` (this run's backends) and `machine`.
    """

    section: str
    label: str
    store: str
    concurrency: int
    connections: int
    requests: int
    ok: int
    failed: int
    errors: dict[str, int]
    elapsed_s: float  # the generator's timed part
    wall_s: float  # between the two readings of the CPU counters
    latencies_us: list[int] = field(repr=False)
    cpu_s: dict[str, float]
    rounds: int = 1
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return rate(self.requests, self.elapsed_s)

    @property
    def latency(self) -> dict[str, float]:
        return summarize([us * 1000 for us in self.latencies_us])

    @property
    def cpu_pct(self) -> dict[str, float]:
        """Percent of one core over the case: the machine has nproc x 100 %."""
        pct = {name: 100 * seconds / max(self.wall_s, 1e-9) for name, seconds in self.cpu_s.items()}
        pct["generator"] = 100 * self.cpu_s["generator"] / max(self.elapsed_s, 1e-9)
        pct["server"] = sum(v for k, v in pct.items() if k.startswith("server_"))
        pct["other"] = max(0.0, pct["machine"] - pct["generator"] - pct["server"] - pct["database"])
        return {k: round(v, 1) for k, v in pct.items()}

    @property
    def cpu_us_per_request(self) -> dict[str, float]:
        """CPU per request (µs) of each component: far less sensitive to other load than req/s."""
        per = {name: 1e6 * seconds / max(self.requests, 1) for name, seconds in self.cpu_s.items()
               if name != "machine"}
        per["server"] = sum(v for k, v in per.items() if k.startswith("server_"))
        return {k: round(v, 1) for k, v in per.items()}

    @property
    def ceiling_rps(self) -> float:
        """The rate at which this case's processes (generator, servers, database) would keep every core
        busy if nothing else ran: cores / CPU per request. An estimate for a noisy machine: it ignores
        locks, fsync and the scheduler, so the real rate on an idle machine is at most this."""
        per = self.cpu_us_per_request
        spent = per["generator"] + per["server"] + per.get("database", 0.0)
        return (os.cpu_count() or 1) * 1e6 / spent if spent else 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "section": self.section, "label": self.label, "store": self.store, "concurrency": self.concurrency,
            "connections": self.connections, "rounds": self.rounds, "requests": self.requests, "ok": self.ok,
            "failed": self.failed, "errors": self.errors, "elapsed_s": self.elapsed_s, "rps": self.rps,
            **self.latency, "cpu_pct": self.cpu_pct, "cpu_us_per_request": self.cpu_us_per_request,
            "ceiling_rps": self.ceiling_rps, **self.notes,
        }


def merge(rows: Sequence[Row]) -> Row:
    """Rounds of one case as one row: counts, times and CPU seconds added, latencies pooled."""
    first = rows[0]
    cpu: dict[str, float] = {}
    errors: dict[str, int] = {}
    for row in rows:
        for name, seconds in row.cpu_s.items():
            cpu[name] = cpu.get(name, 0.0) + seconds
        for why, count in row.errors.items():
            errors[why] = errors.get(why, 0) + count
    return Row(
        first.section, first.label, first.store, first.concurrency, first.connections,
        sum(r.requests for r in rows), sum(r.ok for r in rows), sum(r.failed for r in rows), errors,
        sum(r.elapsed_s for r in rows), sum(r.wall_s for r in rows), [us for r in rows for us in r.latencies_us],
        cpu, rounds=sum(r.rounds for r in rows), notes=dict(first.notes),
    )


DbPids = Callable[[], Awaitable[list[int]]]


async def _snapshot(servers: Sequence[Server], db_pids: DbPids | None
                    ) -> tuple[dict[str, float], dict[int, float], float, float]:
    cpu: dict[str, float] = {}
    for server in servers:
        cpu[f"server_{server.name}"] = cpu.get(f"server_{server.name}", 0.0) + proc.cpu_seconds(server.pid)
    backends = {pid: proc.cpu_seconds(pid) for pid in (await db_pids() if db_pids else [])}
    busy, _ = proc.machine_cpu_seconds()
    return cpu, backends, busy, asyncio.get_running_loop().time()


async def measure(generator: Generator, task: dict[str, Any], *, section: str, label: str, store: str,
                  servers: Sequence[Server], db_pids: DbPids | None) -> tuple[Row, dict[str, Any]]:
    """Prepare `task` in the generator, then run it between two readings of every CPU counter.
    Returns the row and whatever else the generator reported (e.g. balances seen)."""
    await generator.prepare(task)
    try:
        servers_before, backends_before, busy_before, started = await _snapshot(servers, db_pids)
        result = await generator.go()
        servers_after, backends_after, busy_after, ended = await _snapshot(servers, db_pids)
    finally:
        await generator.close()
    for server in servers:
        server.check_alive()
    cpu = {name: after - servers_before.get(name, 0.0) for name, after in servers_after.items()}
    # a backend that appeared during the case counts whole; one that ended during it is lost (rare)
    cpu["database"] = sum(after - backends_before.get(pid, 0.0) for pid, after in backends_after.items() if after)
    cpu["machine"] = busy_after - busy_before
    cpu["generator"] = result.pop("generator_cpu_s")
    row = Row(
        section, label, store, task.get("concurrency", 0), task.get("connections", task.get("concurrency", 0)),
        result.pop("requests"), result.pop("ok"), result.pop("failed"), result.pop("errors"),
        result.pop("elapsed_s"), ended - started, result.pop("latencies_us"), cpu,
    )
    return row, result
