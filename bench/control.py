"""Measuring around the load generator.

The generator prepares a case (payloads, connections, warm-up) and says it is ready; only then
are the CPU counters of the servers, the database's backends and the machine read, the case is
run, and they are read again. The generator measures its own CPU time over the timed part.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from bench.generator_handle import Generator
from bench.machine import machine_cpu_seconds
from bench.rows import Row
from devstack.proc import cpu_seconds
from devstack.processes import Server

DbPids = Callable[[], Awaitable[list[int]]]


async def _snapshot(
    servers: Sequence[Server], db_pids: DbPids | None
) -> tuple[dict[str, float], dict[int, float], float, float]:
    cpu: dict[str, float] = {}
    for server in servers:
        cpu[f"server_{server.name}"] = cpu.get(f"server_{server.name}", 0.0) + cpu_seconds(server.pid)
    backends = {pid: cpu_seconds(pid) for pid in (await db_pids() if db_pids else [])}
    busy, _ = machine_cpu_seconds()
    return cpu, backends, busy, asyncio.get_running_loop().time()


async def measure(
    generator: Generator,
    task: dict[str, Any],
    *,
    section: str,
    label: str,
    store: str,
    servers: Sequence[Server],
    db_pids: DbPids | None,
) -> tuple[Row, dict[str, Any]]:
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
        section,
        label,
        store,
        task.get("concurrency", 0),
        task.get("connections", task.get("concurrency", 0)),
        result.pop("requests"),
        result.pop("ok"),
        result.pop("failed"),
        result.pop("errors"),
        result.pop("elapsed_s"),
        ended - started,
        result.pop("latencies_us"),
        cpu,
    )
    return row, result
