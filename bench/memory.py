"""Section 6: a fresh core's resident memory as transactions accumulate, and the database's bytes
per transaction. The debits run in chunks; between chunks the core's VmRSS (the largest of its
processes) and the ledger tables' sizes are read."""

from __future__ import annotations

from typing import Any

from bench.runtime import Bench, grpc_task, start_cores
from devstack.proc import rss_bytes

MB = 1024 * 1024


async def memory(bench: Bench) -> None:
    plan, store = bench.plan, bench.store
    cores = await start_cores(bench, store, "core-memory")
    checkpoints: list[dict[str, Any]] = []
    try:

        def rss_mb() -> float:
            return round(max(rss_bytes(server.pid) for server in cores.servers) / MB, 1)

        checkpoints.append({"transactions": 0, "rss_mb": rss_mb()})
        sizes_before = await store.size_bytes()
        done, chunks = 0, -(-plan.memory_transactions // plan.memory_checkpoint)
        # the default run caps the whole section by time: each chunk gets its share of it
        chunk_seconds = plan.memory_seconds / chunks if plan.memory_seconds else None
        for chunk in range(chunks):
            count = min(plan.memory_checkpoint, plan.memory_transactions - done)
            task = grpc_task(
                f"mem{chunk}",
                cores.address,
                concurrency=plan.memory_concurrency,
                requests=count,
                warmup=0,
                connections=plan.connections,
                players=plan.players,
                max_seconds=chunk_seconds,
            )
            row, _ = await bench.run(
                task,
                section="memory",
                label=f"memory, chunk {chunk + 1} of {chunks}",
                store=store.kind,
                servers=cores.servers,
                db_pids=bench.db_pids(store),
            )
            done += row.requests
            checkpoints.append(
                {
                    "transactions": done,
                    "rss_mb": rss_mb(),
                    "rps": round(row.rps, 1),
                    "p99_ms": round(row.latency["p99_ms"], 2),
                    "failed": row.failed,
                }
            )
            if row.failed:
                bench.problems.append(f"memory chunk {chunk}: {row.failed} debits failed")
        sizes_after = await store.size_bytes()
    finally:
        await cores.stop()
    grown = {table: sizes_after[table] - sizes_before.get(table, 0) for table in sizes_after}
    first, last = checkpoints[1] if len(checkpoints) > 1 else checkpoints[0], checkpoints[-1]
    bench.facts["memory"] = {
        "store": store.kind,
        "core_processes": len(cores.servers),
        "checkpoints": checkpoints,
        "rss_start_mb": checkpoints[0]["rss_mb"],
        "rss_end_mb": last["rss_mb"],
        "rss_growth_after_first_checkpoint_mb": round(last["rss_mb"] - first["rss_mb"], 1),
        "transactions": done,
        "time_capped": done < plan.memory_transactions,
        "db_bytes_per_transaction": round(sum(grown.values()) / max(done, 1), 1),
        "db_bytes_per_transaction_by_table": {t: round(b / max(done, 1), 1) for t, b in sorted(grown.items())},
    }
    bench.say(
        f"memory: RSS {checkpoints[0]['rss_mb']} -> {last['rss_mb']} MB over {done:,} debits; "
        f"{bench.facts['memory']['db_bytes_per_transaction']} database bytes per transaction"
    )
