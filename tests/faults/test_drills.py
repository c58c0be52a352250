"""The fault drills in short (`python -m faults --short`): real core and gateway processes killed,
frozen and restarted under the provider simulator's load, and PostgreSQL restarted; after each
fault no acknowledged money is lost or applied twice, every balance is the simulator's, `wallet
verify` passes, and with the core unreachable every gateway answers its retryable failure in time.

The PostgreSQL restart ends every session on the server, so it runs only where this process may
restart it (pg_ctlcluster, root, a local server) and nobody else is connected (`if-alone`): another
test run or a benchmark on the same server would lose its connections. Skipped otherwise, saying why.

The failover drill builds its own primary and synchronous standby (root and Debian's
postgresql-common, as in CI): skipped without them, saying why, but a failure in CI.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from faults import plan as plans
from faults import postgres, replication
from faults.config import DEADLINE_SECONDS
from faults.drills import FAILOVER, PROMOTE_AFTER_SECONDS
from faults.run import RunResult, run
from faults.soak import soak
from tests.support.databases import POSTGRES_URL, postgres_required

DRILLS_WITH_PROBES = {"core SIGKILL + restart", "core frozen (SIGSTOP)"}


def say(message: str) -> None:
    print(message)


def postgres_or_skip(postgres_database: str | None) -> None:
    """The suite's convention (tests/support/databases.py): no server is a skip, or a failure in CI."""
    if postgres_database is None:
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL} (set WALLET_TEST_POSTGRES_URL)")


def assert_money_held(result: RunResult, drills: list[str]) -> None:
    assert [phase.drill for phase in result.phases] == drills
    for phase in result.phases:
        where = f"{phase.store} / {phase.drill}"
        assert phase.injection.injected >= 1 and not phase.injection.skipped, where
        assert phase.tally.failures > 0 or phase.logs.warnings, f"{where}: the fault was not felt"
        checked = phase.audit
        assert checked.acknowledged >= 30, f"{where}: too little load to mean anything"
        assert checked.applied_exactly_once == checked.acknowledged, (where, checked.problems)
        assert checked.lost == 0 and checked.duplicated == 0 and checked.unresolved == 0, (where, checked.problems)
        assert checked.balances_checked == 9 and not checked.balance_mismatches, (where, checked.balance_mismatches)
        assert phase.verified.ok and phase.verified.accounts == 9, (where, phase.verified.output)
    final = next(iter(result.finals.values()))
    assert final.clean and final.operations == sum(p.audit.operations for p in result.phases), final.problems


def assert_held(result: RunResult, drills: list[str]) -> None:
    assert_money_held(result, drills)
    for phase in result.phases:
        where = f"{phase.store} / {phase.drill}"
        assert not phase.tally.unexpected and not phase.logs.errors, (where, phase.tally.unexpected, phase.logs.errors)
        probes = phase.injection.probes
        assert len(probes) == (3 if phase.drill in DRILLS_WITH_PROBES else 0), where
        assert all(probe.ok for probe in probes), (where, [str(p) for p in probes])
        if phase.drill == "core frozen (SIGSTOP)":  # no answer at all: only the gateways' deadline answers
            assert all(probe.seconds >= DEADLINE_SECONDS * 0.9 for probe in probes), [str(p) for p in probes]
    assert result.ok, result.problems


async def test_kill_drills_on_sqlite(tmp_path: Path) -> None:
    plan = replace(plans.short(), stores=("sqlite",), only=("core-kill", "gateway-kill"))
    result = await run(plan, POSTGRES_URL, tmp_path, say)
    assert_held(result, ["core SIGKILL + restart", "gateways SIGKILL + restart"])
    assert result.phases[1].cut + result.phases[1].tally.failures > 0


@pytest.mark.postgres
async def test_kill_and_freeze_drills_on_postgres(tmp_path: Path, postgres_database: str | None) -> None:
    postgres_or_skip(postgres_database)
    plan = replace(plans.short(), stores=("postgresql",), only=("core-kill", "gateway-kill", "core-freeze"))
    result = await run(plan, POSTGRES_URL, tmp_path, say)
    assert_held(result, ["core SIGKILL + restart", "gateways SIGKILL + restart", "core frozen (SIGSTOP)"])


@pytest.mark.postgres
async def test_postgres_restart_under_load(tmp_path: Path, postgres_database: str | None) -> None:
    postgres_or_skip(postgres_database)
    reason = postgres.why_not_restartable(POSTGRES_URL)
    if reason is None and (others := await postgres.other_sessions(POSTGRES_URL, "")):
        reason = f"other sessions on the server would lose their connections: {', '.join(sorted(set(others)))}"
    if reason is not None:
        pytest.skip(f"PostgreSQL restart not run: {reason}")
    plan = replace(
        plans.short(),
        stores=("postgresql",),
        only=("postgres-restart",),
        postgres_restart=plans.PostgresRestart.IF_ALONE,
    )
    result = await run(plan, POSTGRES_URL, tmp_path, say)
    if result.phases[0].injection.skipped:  # someone connected in between
        pytest.skip(f"PostgreSQL restart not run: {result.phases[0].injection.skipped}")
    assert await postgres.wait_until_answering(POSTGRES_URL, within_seconds=5) < 5
    assert_held(result, ["PostgreSQL restart"])  # the money first (assert_money_held), then the rest


@pytest.mark.postgres
async def test_postgres_failover_to_the_sync_standby(tmp_path: Path) -> None:
    reason = replication.why_not_buildable()
    if reason is not None:
        if postgres_required():
            pytest.fail(f"the failover drill cannot run here, and CI requires it: {reason}")
        pytest.skip(f"failover drill not run: {reason}")
    plan = replace(plans.short(), stores=("postgresql",), only=("postgres-failover",))
    result = await run(plan, POSTGRES_URL, tmp_path, say)
    assert_held(result, [FAILOVER.name])
    figures = result.phases[0].injection.failover
    assert figures is not None and figures.acknowledged_before >= 10  # a second of load before the kill
    assert figures.on_new_primary == figures.acknowledged_before
    assert figures.first_success_seconds is not None and figures.all_back_seconds is not None
    # nothing is acknowledged while no server accepts writes (pg_ctl's promote may return a little after
    # the standby began to: its first success can come before promoted_seconds)
    assert PROMOTE_AFTER_SECONDS <= figures.first_success_seconds <= figures.all_back_seconds


async def test_a_short_soak_on_sqlite(tmp_path: Path) -> None:
    plan = replace(plans.soak(6), stores=("sqlite",), verify_every_seconds=2)
    result = await soak(plan, POSTGRES_URL, tmp_path, say)
    assert not result.problems, result.problems
    # The first sample and at least one `wallet verify` under load (a loaded machine fits no more in 6 s).
    assert len(result.samples) >= 2 and all(s.verified and s.verified.ok for s in result.samples[1:])
    assert result.tally.requests > 100 and result.tally.failures == 0
    assert result.audit.acknowledged > 50 and result.audit.applied_exactly_once == result.audit.acknowledged
    assert set(result.growth_mb()) == {"core", "aigame", "hrg", "sud"}
