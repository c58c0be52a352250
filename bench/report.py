"""The printed report: the table of cases, the ratios, the checks and the targets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bench import arrival_run, history_run
from bench.rows import Row
from bench.targets import Target

COLUMNS = (
    "case",
    "store",
    "conc",
    "requests",
    "failed",
    "req/s",
    "p50 ms",
    "p99 ms",
    "gen %",
    "server %",
    "db %",
    "other %",
    "server µs/req",
    "db µs/req",
    "ceiling/s",
)


def _cells(row: Row) -> list[str]:
    latency, cpu, per = row.latency, row.cpu_pct, row.cpu_us_per_request
    postgres = row.store == "postgresql"
    return [
        row.label,
        row.store,
        str(row.concurrency),
        f"{row.requests:,}",
        f"{row.failed:,}",
        f"{row.rps:,.0f}",
        f"{latency['p50_ms']:.2f}",
        f"{latency['p99_ms']:.2f}",
        f"{cpu['generator']:.0f}",
        f"{cpu['server']:.0f}",
        f"{cpu['database']:.0f}" if postgres else "-",
        f"{cpu['other']:.0f}",
        f"{per['server']:,.0f}",
        f"{per['database']:,.0f}" if postgres else "-",
        f"{row.ceiling_rps:,.0f}",
    ]


def table(rows: Sequence[Row]) -> str:
    body = [list(COLUMNS), *(_cells(r) for r in rows if r.section != "memory")]
    widths = [max(len(line[i]) for line in body) for i in range(len(COLUMNS))]

    def line(cells: list[str]) -> str:
        pairs = enumerate(zip(cells, widths, strict=True))
        return "  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in pairs)

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(body[0]), rule, *(line(cells) for cells in body[1:])])


def _server_splits(rows: Sequence[Row]) -> list[str]:
    lines = []
    for row in rows:
        parts = {k.removeprefix("server_"): v for k, v in row.cpu_us_per_request.items() if k.startswith("server_")}
        if len(parts) > 1:
            split = " + ".join(f"{name} {us:,.0f}" for name, us in parts.items())
            lines.append(f"  {row.label} c={row.concurrency}: server µs/req = {split}")
    return lines


def _core_splits(rows: Sequence[Row]) -> list[str]:
    """How the gateway's calls split between the cores it balances over (bench.replicas)."""
    lines = []
    for row in rows:
        calls = row.notes.get("core_calls_split")
        if calls:
            shares = " / ".join(f"{n:,} ({100 * n / max(sum(calls), 1):.0f} %)" for n in calls)
            lines.append(f"  {row.label} c={row.concurrency}: core calls split over {len(calls)} cores = {shares}")
    return lines


def _processes(plan: dict[str, Any]) -> str:
    """What start_cores and the echo baseline ran: the core count on PostgreSQL, one on SQLite."""
    if not plan["postgres"]:
        return "1 core and 1 echo on SQLite"
    n = plan["core_processes"]
    return f"{n} core and {n} echo on PostgreSQL (the gateway's {n} cores on a port each), 1 core on SQLite"


def text(results: dict[str, Any], rows: Sequence[Row], targets: Sequence[Target]) -> str:
    machine = results["machine"]
    out = [
        f"wallet bench ({results['mode']}): {machine['nproc']} cores, {machine['cpu_model']}, "
        f"Python {machine['python']}, PostgreSQL {machine.get('postgresql', '-')}, "
        f"load average at start {machine['load_average_at_start']}",
        f"code: {results['code']['git_head']}"
        + (
            f" + changes in {len(results['code']['changed_since_head'])} files"
            if results["code"]["changed_since_head"]
            else ""
        )
        + f" (sources {results['code']['source_digest']})",
        f"processes: {_processes(results['plan'])}; the generator's gRPC connections: {results['plan']['connections']}",
        "",
        table(rows),
        "",
        f"CPU % is percent of one core (this machine has {machine['nproc']} x 100 %): gen = the load generator "
        "(for the asyncpg rows: the debits' own client), server = core (+ gateway), db = the PostgreSQL backends "
        "of this run's database, other = the rest of the machine (other people's work). µs/req = CPU per request. "
        "ceiling/s = cores / (generator + server + db CPU per request): what these processes would do with the "
        "machine to themselves, an upper bound.",
        *_server_splits(rows),
        *_core_splits(rows),
        "",
        "ratios (req/s over req/s, same run):",
    ]
    out += [f"  {name:<40} {value if value is not None else 'n/a'}" for name, value in results["ratios"].items()]
    hot = results.get("hot_balance")
    if hot:
        out += [
            "",
            f"hot balance: {hot['debits_taken']:,} debits taken, {hot['debits_refused']:,} refused "
            f"(the balance covered {hot['debits_the_balance_covered']:,}); final balance "
            f"{hot['final_balance_minor']} minor units, lowest balance_after {hot['lowest_balance_after_minor']}; "
            f"no overdraft: {'yes' if hot['no_overdraft'] else 'NO'}",
        ]
    memory = results.get("memory")
    if memory:
        points = ", ".join(f"{c['transactions']:,}: {c['rss_mb']} MB" for c in memory["checkpoints"])
        out += [
            "",
            f"core RSS by debits served ({memory['store']}): {points}",
            f"database bytes per transaction: {memory['db_bytes_per_transaction']:,} "
            f"({', '.join(f'{t} {b:,}' for t, b in memory['db_bytes_per_transaction_by_table'].items() if b)})",
        ]
    out += history_run.report_lines(results)
    arrival = arrival_run.report_lines(results["rows"])
    out += ["", *arrival] if arrival else []
    if "sqlite_bytes_per_transaction" in results:
        out.append(f"SQLite file bytes per transaction: {results['sqlite_bytes_per_transaction']:,}")
    checks = results.get("ledger_checks", {})
    if checks:
        out += [
            "",
            "ledger checks (wallet verify): "
            + ", ".join(
                f"{store}: {c['accounts']:,} accounts, {c['mismatches']} mismatches" for store, c in checks.items()
            ),
        ]
    out += ["", "targets:"]
    width = max(len(t.name) for t in targets)
    out += [f"  [{t.status:^12}] {t.name:<{width}}  wanted {t.wanted:<18} measured {t.measured}" for t in targets]
    for skipped in results["skipped"]:
        out.append(f"skipped: {skipped['section']}: {skipped['reason']}")
    for problem in results["problems"]:
        out.append(f"PROBLEM: {problem}")
    for warning in results["warnings"]:
        out.append(f"WARNING: {warning}")
    out += ["", f"finished in {results['duration_s']:.0f} s; figures written to {results['output']}"]
    return "\n".join(out)
