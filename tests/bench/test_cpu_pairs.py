"""`python -m bench --cpu-per-debit BEFORE`: the core's CPU per Debit of this checkout against another,
in alternating pairs. Run for real against a copy of this checkout's committed code (git archive), on
SQLite, one second a case: the pairs alternate, each side serves its Debits from its own code, and
the ratio is what the figures say. No speed is checked."""

from __future__ import annotations

import io
import json
import math
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from bench.cpu_pairs import AFTER, BEFORE, Case, Pair, order, summary
from devstack.checkouts import PACKAGES
from devstack.processes import ROOT


def bench(*args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bench", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )


def committed_copy(into: Path) -> Path:
    """The wallet's packages as committed at HEAD, outside this checkout: the "before" of a change."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", "HEAD", *PACKAGES], cwd=ROOT, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def case(side: str, core_us: float) -> Case:
    return Case(side, core_us, 1000.0, 100, 0)


def test_pairs_alternate_which_side_goes_first() -> None:
    assert [order(i) for i in range(4)] == [(BEFORE, AFTER), (AFTER, BEFORE), (BEFORE, AFTER), (AFTER, BEFORE)]


def test_a_pair_s_ratio_is_after_over_before() -> None:
    pairs = [
        Pair(BEFORE, case(BEFORE, 500.0), case(AFTER, 400.0)),
        Pair(AFTER, case(BEFORE, 400.0), case(AFTER, 440.0)),
    ]
    assert [pair.ratio for pair in pairs] == [0.8, 1.1]
    assert summary(pairs) == {
        "ratios": [0.8, 1.1],
        "mean_ratio": 0.95,
        "before_us": [500.0, 400.0],
        "after_us": [400.0, 440.0],
    }
    assert math.isnan(Pair(BEFORE, case(BEFORE, 0.0), case(AFTER, 1.0)).ratio)


def test_a_directory_that_is_no_checkout_is_refused(tmp_path: Path) -> None:
    result = bench("--cpu-per-debit", str(tmp_path), timeout=60)
    assert result.returncode == 2
    assert "is not a checkout of the wallet" in result.stderr


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs the repository's git history")
def test_two_checkouts_measured_in_alternating_pairs(tmp_path: Path) -> None:
    before = committed_copy(tmp_path / "before")
    output = tmp_path / "pairs.json"
    result = bench(
        "--cpu-per-debit",
        str(before),
        "--store",
        "sqlite",
        "--pairs",
        "2",
        "--seconds",
        "1",
        "--concurrency",
        "16",
        "--output",
        str(output),
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "after / before: mean ratio" in result.stdout

    results = json.loads(output.read_text())
    assert results["schema"] == "wallet-bench-cpu-pairs/1"
    assert results["settings"]["before"] == str(before) and results["settings"]["after"] == str(ROOT)
    assert [pair["first"] for pair in results["pairs"]] == [BEFORE, AFTER]
    for pair in results["pairs"]:
        for side in (BEFORE, AFTER):
            assert pair[side]["side"] == side
            assert pair[side]["debits"] > 0 and pair[side]["failed"] == 0, pair
            assert pair[side]["core_us"] > 0, pair
        assert pair["ratio"] == round(pair[AFTER]["core_us"] / pair[BEFORE]["core_us"], 3)
    assert results["ratios"] == [pair["ratio"] for pair in results["pairs"]]
