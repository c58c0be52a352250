"""A measured case as the table prints it and the JSON keeps it; rounds of a case merged into one."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bench.stats import rate, summarize


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
        per = {name: 1e6 * seconds / max(self.requests, 1) for name, seconds in self.cpu_s.items() if name != "machine"}
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
            "section": self.section,
            "label": self.label,
            "store": self.store,
            "concurrency": self.concurrency,
            "connections": self.connections,
            "rounds": self.rounds,
            "requests": self.requests,
            "ok": self.ok,
            "failed": self.failed,
            "errors": self.errors,
            "elapsed_s": self.elapsed_s,
            "rps": self.rps,
            **self.latency,
            "cpu_pct": self.cpu_pct,
            "cpu_us_per_request": self.cpu_us_per_request,
            "ceiling_rps": self.ceiling_rps,
            **self.notes,
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
        first.section,
        first.label,
        first.store,
        first.concurrency,
        first.connections,
        sum(r.requests for r in rows),
        sum(r.ok for r in rows),
        sum(r.failed for r in rows),
        errors,
        sum(r.elapsed_s for r in rows),
        sum(r.wall_s for r in rows),
        [us for r in rows for us in r.latencies_us],
        cpu,
        rounds=sum(r.rounds for r in rows),
        notes=dict(first.notes),
    )
