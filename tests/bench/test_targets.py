"""The targets' lines: a rate target says whether it lies within the run's ceiling for its case."""

from __future__ import annotations

import os

import pytest

from bench.rows import Row
from bench.targets import MET, NOT_MEASURED, NOT_MET, evaluate


def _row(section: str, store: str, rps: float, server_us: float) -> Row:
    """A case at 64 concurrent whose generator and database cost 50 and 150 µs a request."""
    requests = 10_000
    return Row(
        section,
        section,
        store,
        64,
        8,
        requests,
        requests,
        0,
        {},
        requests / rps,
        requests / rps,
        [1_000] * requests,
        {"generator": 0.5, "server_core": server_us / 100, "database": 1.5, "machine": 10.0},
    )


@pytest.fixture(autouse=True)
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 2)  # the ceiling is cores / CPU a request


def _target(name: str, found: list[Row]) -> tuple[str, str]:
    (target,) = [t for t in evaluate(found, {}) if t.name == name]
    return target.status, target.measured


def test_a_rate_target_above_the_ceiling_says_the_requests_cost_too_much() -> None:
    # 50 + 450 + 150 µs a request: two cores do at most 3,077 a second.
    status, measured = _target("core Debit, PostgreSQL, 64 concurrent", [_row("core", "postgresql", 2_900, 450)])
    assert status == NOT_MET
    assert measured == "2,900/s (ceiling 3,077/s, below the target: it needs less CPU a request)"


def test_a_rate_target_within_the_ceiling_says_so_met_or_not() -> None:
    # 50 + 200 + 150 µs a request: 5,000 a second.
    status, measured = _target("core Debit, PostgreSQL, 64 concurrent", [_row("core", "postgresql", 3_500, 200)])
    assert (status, measured) == (NOT_MET, "3,500/s (ceiling 5,000/s, within)")
    status, measured = _target("core Debit, PostgreSQL, 64 concurrent", [_row("core", "postgresql", 4_200, 200)])
    assert (status, measured) == (MET, "4,200/s (ceiling 5,000/s, within)")


def test_a_rate_not_measured_says_why_and_no_ceiling() -> None:
    status, measured = _target("core Debit, PostgreSQL, 64 concurrent", [])
    assert (status, measured) == (NOT_MEASURED, "not measured on PostgreSQL in this run")
