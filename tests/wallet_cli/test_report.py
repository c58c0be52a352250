"""`wallet report` as a process, against both stores: its options, its JSON and its tables."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.support.ledger import bet, frozen_clock, open_ledger, payout


def wallet_report(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wallet_cli", "report", *args, "--database-url", database_url, "--log-level", "WARNING"],
        capture_output=True,
        text=True,
        timeout=60,
    )


def as_json(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert result.returncode == 0, result.stderr
    found: dict[str, Any] = json.loads(result.stdout)
    return found


@pytest.fixture
async def played(database_url: str, monkeypatch: pytest.MonkeyPatch) -> datetime:
    """Two days ago a settled bet; three hours ago two rounds; two hours ago a bet left open.
    Returns the moment the play was recorded against (now)."""
    now = datetime.now(UTC)
    clock = frozen_clock(monkeypatch, now - timedelta(days=2))
    async with open_ledger(database_url) as ledger:
        await ledger.create_account("alice", "USD", "100.00")
        await ledger.create_account("carol", "BRL", "100.00")
        await bet(ledger, "aigame", "old", "alice", "USD", "10.00", "r-old")
        await payout(ledger, "aigame", "old", "alice", "USD", "30.00", "r-old")
        clock.moment = now - timedelta(hours=3)
        await bet(ledger, "aigame", "b1", "alice", "USD", "10.00", "r1")
        await payout(ledger, "aigame", "b1", "alice", "USD", "19.50", "r1")
        await bet(ledger, "hrg", "h1", "carol", "BRL", "50.00", "R-9")
        await payout(ledger, "hrg", "h1", "carol", "BRL", "0", "R-9")
        clock.moment = now - timedelta(hours=2, seconds=10)
        await bet(ledger, "aigame", "open-1", "alice", "USD", "2.50", "r2")
    return now


async def test_the_last_24_hours_by_default(database_url: str, played: datetime) -> None:
    found = as_json(wallet_report("--json", database_url=database_url))

    until = datetime.fromisoformat(found["until"])
    assert played <= until <= datetime.now(UTC)
    assert datetime.fromisoformat(found["since"]) == until - timedelta(hours=24)
    assert [(r["provider"], r["currency"], r["round_id"], r["bets"], r["wins"], r["ggr"]) for r in found["rounds"]] == [
        ("aigame", "USD", "r1", "10.00", "19.50", "-9.50"),
        ("aigame", "USD", "r2", "2.50", "0.00", "2.50"),
        ("hrg", "BRL", "R-9", "50.00", "0.00", "50.00"),
    ]
    assert [(p["provider"], p["currency"], p["bet_count"], p["ggr"]) for p in found["providers"]] == [
        ("aigame", "USD", 2, "-7.00"),
        ("hrg", "BRL", 1, "50.00"),
    ]
    assert found["unsettled_after_minutes"] == 60
    [open_bet] = found["unsettled"]
    assert (open_bet["provider"], open_bet["bet_id"], open_bet["player_id"], open_bet["stake"]) == (
        "aigame",
        "open-1",
        "alice",
        "2.50",
    )
    assert open_bet["age_minutes"] == 120


async def test_since_until_and_the_threshold(database_url: str, played: datetime) -> None:
    three_days_ago = (played - timedelta(days=3)).date().isoformat()  # a date: midnight UTC
    later = (played + timedelta(hours=1)).astimezone(UTC).replace(tzinfo=None).isoformat() + "+02:00"
    found = as_json(
        wallet_report(
            "--since", three_days_ago, "--until", later, "--unsettled-after", "180", "--json", database_url=database_url
        )
    )

    assert found["since"] == f"{three_days_ago}T00:00:00+00:00"
    # An offset is honoured: the same wall time at +02:00 is two hours earlier in UTC.
    assert datetime.fromisoformat(found["until"]) == played + timedelta(hours=1) - timedelta(hours=2)
    assert [r["round_id"] for r in found["rounds"]] == ["r-old", "r1", "r2", "R-9"]
    assert found["unsettled"] == []  # open-1 is 1 h old at that end, not more than 180 min

    only_old = as_json(
        wallet_report(
            "--since",
            three_days_ago,
            "--until",
            (played - timedelta(days=1)).isoformat(),
            "--json",
            database_url=database_url,
        )
    )
    assert [(r["round_id"], r["bets"], r["wins"], r["ggr"]) for r in only_old["rounds"]] == [
        ("r-old", "10.00", "30.00", "-20.00")
    ]
    assert only_old["unsettled"] == []  # open-1 was placed after that end


async def test_tables_for_a_person(database_url: str, played: datetime) -> None:
    result = wallet_report(database_url=database_url)
    assert result.returncode == 0, result.stderr
    lines = [line.split() for line in result.stdout.splitlines()]

    header = ["provider", "currency", "bets", "#", "bets", "wins", "cancels", "reversed", "promotions", "GGR"]
    assert lines.count(header) == 1
    assert ["aigame", "USD", "2", "12.50", "19.50", "0.00", "0.00", "0.00", "-7.00"] in lines
    assert ["hrg", "BRL", "1", "50.00", "0.00", "0.00", "0.00", "0.00", "50.00"] in lines
    assert ["all", "providers", "USD", "2", "12.50", "19.50", "0.00", "0.00", "0.00", "-7.00"] in lines
    assert ["aigame", "USD", "r1", "1", "10.00", "19.50", "0.00", "0.00", "0.00", "-9.50"] in lines
    assert ["aigame", "open-1", "alice", "r2", "USD", "2.50", "2h00m"] in lines
    assert not any("r-old" in line for line in lines)


async def test_an_empty_range_says_so(database_url: str, played: datetime) -> None:
    result = wallet_report("--since", "2020-01-01", "--until", "2020-01-02", database_url=database_url)
    assert result.returncode == 0, result.stderr
    assert "no completed transactions in this range" in result.stdout
    assert "Rounds" not in result.stdout
    assert result.stdout.rstrip().endswith("none")


@pytest.mark.parametrize(
    "args, complaint",
    [
        (["--since", "2026-03-02", "--until", "2026-03-01"], "is not before --until"),
        (["--since", "yesterday"], "not an ISO 8601 date or datetime"),
        (["--unsettled-after", "-5"], "not a whole number of minutes"),
    ],
)
def test_bad_options_are_refused(tmp_path: Path, args: list[str], complaint: str) -> None:
    result = wallet_report(*args, database_url=f"sqlite+aiosqlite:///{tmp_path / 'wallet.db'}")
    assert result.returncode == 2
    assert complaint in result.stderr


def test_an_unmigrated_database_is_refused(tmp_path: Path) -> None:
    result = wallet_report(database_url=f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}")
    assert result.returncode == 2
    assert "wallet db upgrade" in result.stderr
