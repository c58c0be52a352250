"""The history's target lines: the filled ledger's Debit against the empty one's, and the months-old
replay's p99 checked both one at a time and at 4 in flight."""

from __future__ import annotations

from bench.history_run import targets
from bench.rows import Row
from bench.targets import MET, NOT_MET


def _row(section: str, concurrency: int, latency_ms: float) -> Row:
    requests = 100
    return Row(
        section,
        section,
        "postgresql",
        concurrency,
        concurrency,
        requests,
        requests,
        0,
        {},
        1.0,
        1.0,
        [int(latency_ms * 1000)] * requests,
        {"generator": 0.1, "database": 0.1, "machine": 1.0},
    )


def test_the_replay_target_is_checked_one_at_a_time_and_at_4_in_flight() -> None:
    rows = [_row("history-replay-filled", 4, 9.0), _row("history-replay-c1-filled", 1, 2.0)]
    found = {t.name: (t.status, t.measured) for t in targets(rows, {"history": {}})}
    assert found["replay of a months-old Debit, 4 in flight: p99"] == (NOT_MET, "9.00 ms")
    assert found["replay of a months-old Debit, one at a time: p99"] == (MET, "2.00 ms")


def test_the_empty_ledgers_replays_are_not_the_targets_case() -> None:
    rows = [_row("history-replay-empty", 4, 2.0), _row("history-replay-c1-empty", 1, 2.0)]
    assert [t.name for t in targets(rows, {"history": {}}) if t.name.startswith("replay")] == []


def test_no_history_no_target_lines() -> None:
    assert targets([_row("history-replay-filled", 4, 2.0)], {}) == []
