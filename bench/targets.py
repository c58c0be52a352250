"""The issue's targets and ratios, computed from one run's rows. A target is `met`, `not met`, or
`not measured` (with why); none is ever left out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from bench.rows import Row

MET, NOT_MET, NOT_MEASURED = "met", "not met", "not measured"
RSS_LIMIT_MB = 200
RSS_FLAT_MB = 20  # "flat": at most this much growth between the first and the last checkpoint
LONG_RUN = 1_000_000


@dataclass(frozen=True)
class Target:
    name: str
    wanted: str
    measured: str
    status: str

    def as_json(self) -> dict[str, str]:
        return asdict(self)


def find(rows: Sequence[Row], section: str, concurrency: int, store: str | None = None) -> Row | None:
    for row in rows:
        if row.section == section and row.concurrency == concurrency and (store is None or row.store == store):
            return row
    return None


def _check(name: str, wanted: str, value: float | None, ok: bool, unit: str, why_missing: str) -> Target:
    if value is None:
        return Target(name, wanted, why_missing, NOT_MEASURED)
    return Target(name, wanted, f"{value:,.2f}{unit}" if unit != "/s" else f"{value:,.0f}/s", MET if ok else NOT_MET)


def _rate(name: str, row: Row | None, at_least: float, why: str) -> Target:
    """A rate, with the run's ceiling for that case beside it: whether the target is within what these
    processes could do with the machine to themselves at this run's CPU per request. A target above
    the ceiling needs cheaper requests; one below it that is not met, less waiting."""
    value = row.rps if row else None
    target = _check(name, f">= {at_least:,.0f}/s", value, value is not None and value >= at_least, "/s", why)
    ceiling = row.ceiling_rps if row else 0.0
    if not ceiling:
        return target
    within = "within" if ceiling >= at_least else "below the target: it needs less CPU a request"
    return replace(target, measured=f"{target.measured} (ceiling {ceiling:,.0f}/s, {within})")


def _latency(name: str, row: Row | None, key: str, at_most: float, why: str) -> Target:
    value = row.latency[key] if row else None
    return _check(name, f"<= {at_most:g} ms", value, value is not None and value <= at_most, " ms", why)


def ratio(top: Row | None, bottom: Row | None) -> float | None:
    if top is None or bottom is None or bottom.rps == 0:
        return None
    return round(top.rps / bottom.rps, 3)


def ratios(rows: Sequence[Row]) -> dict[str, float | None]:
    found: dict[str, float | None] = {}
    for row in rows:
        if row.section != "core":
            continue
        c = row.concurrency
        found[f"core/echo c={c}"] = ratio(row, find(rows, "echo", c))
        found[f"core/driver c={c}"] = ratio(row, find(rows, "driver-3-statements", c))
        for variant in ("core-statements", "1-statement", "group-commit"):
            if find(rows, f"driver-{variant}", c):
                found[f"core/driver {variant} c={c}"] = ratio(row, find(rows, f"driver-{variant}", c))
        if find(rows, "gateway", c):
            found[f"gateway/core c={c}"] = ratio(find(rows, "gateway", c), row)
    return found


def evaluate(rows: Sequence[Row], facts: dict[str, Any]) -> list[Target]:
    pg = "postgresql"
    why_pg = "not measured on PostgreSQL in this run"
    core = find(rows, "core", 64, pg)
    echo = find(rows, "echo", 64)
    hot = find(rows, "hot", 64, pg)
    gw64, gw1 = find(rows, "gateway", 64, pg), find(rows, "gateway", 1, pg)
    sqlite = max((r for r in rows if r.section == "sqlite"), key=lambda r: r.rps, default=None)
    share = ratio(core, echo)
    proof = facts.get("hot_balance")
    memory = facts.get("memory")
    targets = [
        _rate("core Debit, PostgreSQL, 64 concurrent", core, 4000, why_pg),
        _latency("core Debit, PostgreSQL, 64 concurrent: p99", core, "p99_ms", 20, why_pg),
        _check(
            "core Debit / gRPC echo, 64 concurrent", ">= 0.60", share, share is not None and share >= 0.6, "", why_pg
        ),
        _rate("hot balance, 64 concurrent on one player", hot, 2000, why_pg),
        Target(
            "hot balance: no overdraft",
            "never below zero",
            "proved" if proof and proof["no_overdraft"] else ("OVERDRAFT OR MISCOUNT" if proof else "not run"),
            (MET if proof["no_overdraft"] else NOT_MET) if proof else NOT_MEASURED,
        ),
        _rate("AIGame end to end, 64 connections", gw64, 2500, "gateway not run on PostgreSQL"),
        _latency("AIGame end to end, 64 connections: p99", gw64, "p99_ms", 30, "gateway not run on PostgreSQL"),
        _latency("AIGame end to end, 1 connection: p50", gw1, "p50_ms", 2, "gateway not run on PostgreSQL"),
        _rate(
            f"core Debit, SQLite (best: {sqlite.concurrency} concurrent)" if sqlite else "core Debit, SQLite",
            sqlite,
            2000,
            "not run",
        ),
        _memory_target(memory),
        _bytes_target(memory),
    ]
    return targets


def _memory_target(memory: dict[str, Any] | None) -> Target:
    name, wanted = "core RSS after 1,000,000 transactions", f"flat, < {RSS_LIMIT_MB} MB"
    if not memory:
        return Target(name, wanted, "not run", NOT_MEASURED)
    end, growth, count = memory["rss_end_mb"], memory["rss_growth_after_first_checkpoint_mb"], memory["transactions"]
    measured = f"{end} MB after {count:,} ({growth:+} MB since the first checkpoint)"
    if count < LONG_RUN:
        return Target(name, wanted, measured + "; run --long for 1,000,000", NOT_MEASURED)
    return Target(name, wanted, measured, MET if end < RSS_LIMIT_MB and growth <= RSS_FLAT_MB else NOT_MET)


def _bytes_target(memory: dict[str, Any] | None) -> Target:
    name, wanted = "database bytes per transaction", "<= 1,024"
    if not memory or memory["store"] != "postgresql":
        return Target(name, wanted, "not measured on PostgreSQL in this run", NOT_MEASURED)
    value = memory["db_bytes_per_transaction"]
    return Target(name, wanted, f"{value:,.0f} bytes", MET if value <= 1024 else NOT_MET)
