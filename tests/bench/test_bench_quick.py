"""The benchmark in its tiny mode (`python -m bench --quick`: a few hundred requests, SQLite only):
it runs every section it can, writes the JSON it promises, and the hot balance never overdraws.

No figure is checked here (speed is the benchmark's job, not a unit test's)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # `bench` is run from the repository's root
ROW_KEYS = {
    "section",
    "label",
    "store",
    "concurrency",
    "connections",
    "requests",
    "ok",
    "failed",
    "rps",
    "p50_ms",
    "p99_ms",
    "cpu_pct",
}
CPU_KEYS = {"generator", "server", "database", "machine", "other"}
TARGET_STATUSES = {"met", "not met", "not measured"}


def test_quick_run_writes_its_figures_and_never_overdraws(tmp_path: Path) -> None:
    output = tmp_path / "bench.json"
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--output", str(output)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "targets:" in result.stdout

    results = json.loads(output.read_text())
    assert results["schema"] == "wallet-bench/1"
    assert results["mode"] == "quick"
    assert {"nproc", "python", "cpu_model"} <= set(results["machine"])

    sections = {row["section"] for row in results["rows"]}
    assert {"echo", "echo-grpcio", "core", "hot", "sqlite"} <= sections
    assert "gateway" in sections or any(s["section"] == "gateway" for s in results["skipped"])
    assert {"arrival-capacity", "arrival-25", "arrival-50", "arrival-80"} <= sections or any(
        s["section"] == "arrival" for s in results["skipped"]
    )  # the constant-arrival cases (bench.arrival)
    assert any(s["section"] == "driver" for s in results["skipped"])  # the driver baseline needs PostgreSQL
    for row in results["rows"]:
        assert set(row) >= ROW_KEYS, row
        assert set(row["cpu_pct"]) >= CPU_KEYS, row
        assert (row["requests"] > 0 and row["failed"] == 0) or row["section"] == "hot", row

    hot = results["hot_balance"]
    assert hot["no_overdraft"] is True
    assert hot["final_balance_minor"] >= 0
    assert hot["lowest_balance_after_minor"] >= 0
    assert hot["answers_below_zero"] == 0
    assert hot["debits_taken"] == hot["debits_the_balance_covered"]
    assert hot["debits_refused"] == hot["debits_attempted"] - hot["debits_taken"]

    assert all(check["mismatches"] == 0 for check in results["ledger_checks"].values())
    assert results["memory"]["checkpoints"][-1]["transactions"] == results["memory"]["transactions"]
    assert all(t["status"] in TARGET_STATUSES for t in results["targets"])
    assert results["problems"] == []
