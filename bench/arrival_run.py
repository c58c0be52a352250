"""The constant-arrival section (docs/performance.md, "Latency at a constant arrival rate"): the
AIGame gateway's capacity measured closed-loop (at the gateway cases' most connections: 64), then
bets sent on schedule (`bench.arrival`) at 25 %, 50 % and 80 % of it, with p50/p99/p99.9 as the
provider sees them."""

from __future__ import annotations

from typing import Any

from bench import configs
from bench.arrival import aigame_paced_task
from bench.rows import Row
from bench.runtime import Bench, Cores
from bench.sections import BET_PATH, PAYOUT_PATH
from bench.stats import percentile
from bench.targets import MET, NOT_MEASURED, NOT_MET, Target
from devstack.ports import free_port
from devstack.processes import ServerFailed
from devstack.wallet import start_gateway

SHARES = (0.25, 0.5, 0.8)
TARGET_P99_MS = {0.5: 10.0, 0.8: 30.0}
"""The issue's targets; 25 % has none: it shows where the p99 stands with half the machine idle."""
POOL = 256  # keep-alive connections the paced bets take turns on; a wait for one counts as latency


async def constant_arrival(bench: Bench, cores: Cores) -> None:
    plan, store, port = bench.plan, bench.store, free_port()
    config = configs.write_gateway_config(bench.workdir / "gateway-arrival.toml", port, cores.port)
    try:
        gateway = await start_gateway(
            "aigame",
            config,
            port,
            bench.workdir / "gateway-arrival.log",
            log_level=plan.log_level,
            server_name="gateway",
        )
    except ServerFailed as error:
        bench.skip("arrival", f"gateway not available: {error}")
        return
    address = f"127.0.0.1:{port}"
    servers = [gateway, *cores.servers]
    try:
        c = max(plan.gateway_concurrencies)  # 64 in the default run
        closed = {
            "kind": "aigame",
            "name": f"arrival-closed-c{c}",
            "address": address,
            "bet_path": BET_PATH,
            "payout_path": PAYOUT_PATH,
            "players": plan.players,
            "concurrency": c,
            "requests": plan.gateway_requests[c],
            "warmup": min(plan.warmup_at(c), plan.gateway_requests[c]),
            "max_seconds": plan.case_seconds,
        }
        row, _ = await bench.run(
            closed,
            section="arrival-capacity",
            label="AIGame bet+payout, closed loop",
            store=store.kind,
            servers=servers,
            db_pids=bench.db_pids(store),
        )
        bench.rows.append(row)
        capacity = row.rps  # requests a second, bets and payouts
        for share in SHARES:
            rate = share * capacity / 2  # bets a second: each brings its payout
            task = aigame_paced_task(
                f"arrival-{int(share * 100)}",
                address,
                BET_PATH,
                PAYOUT_PATH,
                players=plan.players,
                rate=rate,
                seconds=plan.arrival_seconds,
                pool=POOL,
            )
            paced, extra = await bench.run(
                task,
                section=f"arrival-{int(share * 100)}",
                label=f"AIGame at {share:.0%} of capacity, on schedule",
                store=store.kind,
                servers=servers,
                db_pids=bench.db_pids(store),
            )
            paced.notes.update(_notes(paced, share, capacity, extra))
            bench.rows.append(paced)
    finally:
        await gateway.stop()


def _notes(row: Row, share: float, capacity: float, extra: dict[str, Any]) -> dict[str, Any]:
    ordered = sorted(us * 1000 for us in row.latencies_us)
    return {
        "share_of_capacity": share,
        "capacity_rps": round(capacity, 1),
        "offered_rps": round(share * capacity, 1),
        "p99.9_ms": percentile(ordered, 99.9),
        "late_sends": extra.get("late_sends", 0),
    }


def targets(rows: list[Row]) -> list[Target]:
    out = []
    for share, limit in TARGET_P99_MS.items():
        name = f"AIGame at {share:.0%} of capacity, constant arrival: p99"
        row = next((r for r in rows if r.section == f"arrival-{int(share * 100)}"), None)
        if row is None:
            continue
        p99 = row.latency["p99_ms"]
        out.append(Target(name, f"<= {limit:g} ms", f"{p99:.2f} ms", MET if p99 <= limit else NOT_MET))
    if not out and any(r.section == "arrival-capacity" for r in rows):
        out.append(Target("AIGame constant arrival", "p99 targets", "not run", NOT_MEASURED))
    return out


def report_lines(rows: list[dict[str, Any]]) -> list[str]:
    """The constant-arrival cases in the printed report, with their p99.9."""
    paced = [r for r in rows if r["section"].startswith("arrival-") and "share_of_capacity" in r]
    return [
        f"constant arrival: {r['label']}: offered {r['offered_rps']:,.0f} req/s of {r['capacity_rps']:,.0f}, "
        f"p50 {r['p50_ms']:.2f} ms, p99 {r['p99_ms']:.2f} ms, p99.9 {r['p99.9_ms']:.2f} ms, "
        f"{r['late_sends']} sends late by > 1 ms"
        for r in paced
    ]
