"""One benchmark run from start to end: its database, its servers, its sections, its results.

Order: open the run's PostgreSQL database and a core on it, seed the players; the baselines
(echo, driver); core Debit; hot balance; the gateway; the embedded store (its own core);
memory and size (a fresh core); then `wallet verify` on every ledger and the database dropped.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import arrival_run, history_run, report, targets
from bench.arrival_run import constant_arrival
from bench.codeversion import code_version, digest
from bench.generator_handle import Generator
from bench.machine import machine as machine_facts
from bench.memory import memory
from bench.plan import Plan
from bench.runtime import Bench, seed, start_cores
from bench.sections import baselines_and_core, embedded, gateway_end_to_end, hot_balance, hot_player_balance
from bench.stores import PostgresServer, Store, sqlite_store


async def run(plan: Plan, postgres_url: str, output: Path, keep_workdir: bool = False) -> int:
    """Run every section, print the report, write the JSON; 1 when an integrity check failed."""
    started_at, started = datetime.now(UTC), time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="wallet-bench-"))
    postgres = PostgresServer(postgres_url) if plan.postgres else None
    generator = await Generator.start()
    bench: Bench | None = None
    machine = machine_facts()
    code = await asyncio.to_thread(code_version)
    try:
        store = await postgres.create() if postgres else await sqlite_store(workdir / "main.db")
        if postgres:
            settings = await postgres.describe()
            machine["postgresql"] = settings.pop("server_version")
            machine["postgresql_settings"] = settings
        bench = Bench(plan, generator, workdir, store, postgres)
        bench.say(f"run directory {workdir}; store {store.kind}")
        await _sections(bench, store)
        bench.facts.setdefault("ledger_checks", {})[store.kind] = await store.verify()
    finally:
        await generator.quit()
        if postgres:
            await postgres.drop()
        if not keep_workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    assert bench is not None
    code["source_digest_at_end"] = await asyncio.to_thread(digest)
    if code["source_digest_at_end"] != code["source_digest"]:
        bench.warnings.append(
            "the code under test changed during the run: rows measured before and after the "
            "change are different programs; run again on a quiet tree"
        )
    bench.facts["code"] = code
    results = _results(bench, plan, machine, started_at, time.monotonic() - started, output)
    rows = bench.rows
    checks = results.get("ledger_checks", {})
    bench.problems += [
        f"wallet verify on {s}: {c['mismatches']} mismatches" for s, c in checks.items() if c["mismatches"]
    ]
    found = targets.evaluate(rows, bench.facts) + history_run.targets(rows, bench.facts) + arrival_run.targets(rows)
    results["targets"] = [t.as_json() for t in found]
    results["problems"] = bench.problems
    results["warnings"] = bench.warnings
    await asyncio.to_thread(output.write_text, _json(results))
    print(report.text(results, rows, found))
    return 1 if bench.problems else 0


async def _sections(bench: Bench, store: Store) -> None:
    plan = bench.plan
    cores = await start_cores(bench, store, "core")
    try:
        filled = await history_run.fill(bench, store) if plan.history else None
        await seed(bench, store, hot_player_balance(bench))
        if filled is not None:
            await history_run.measure(bench, cores, filled)
        if not plan.history_only:
            await baselines_and_core(bench, cores)
            await hot_balance(bench, cores)
            await gateway_end_to_end(bench, cores)
        await constant_arrival(bench, cores)
    finally:
        await cores.stop()
    if not plan.history_only:
        await embedded(bench)
        await memory(bench)


def _results(
    bench: Bench, plan: Plan, machine: dict[str, Any], started_at: datetime, duration: float, output: Path
) -> dict[str, Any]:
    return {
        "schema": "wallet-bench/1",
        "mode": plan.mode,
        "started_at": started_at.isoformat(timespec="seconds"),
        "duration_s": round(duration, 1),
        "output": str(output),
        "machine": {**machine, "load_average_at_end": [round(v, 2) for v in os.getloadavg()]},
        "plan": plan.as_json(),
        "rows": [r.as_json() for r in bench.rows],
        "ratios": targets.ratios(bench.rows),
        "skipped": bench.skipped,
        **bench.facts,
    }


def _json(results: dict[str, Any]) -> str:
    def clean(value: Any) -> Any:
        if isinstance(value, float):
            return None if math.isnan(value) else round(value, 3)
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [clean(v) for v in value]
        return value

    return json.dumps(clean(results), indent=2) + "\n"
