"""The command line reads its options into the plan, and the printed table says what the issue asks:
faults injected, operations, money lost or duplicated."""

from __future__ import annotations

from decimal import Decimal

from faults import table
from faults.audit import Audit
from faults.cli import parser, plan_from
from faults.drills import FAILOVER, Failover, Injection
from faults.plan import PostgresRestart
from faults.run import Phase, RunResult
from faults.serverlogs import LogLines
from faults.tally import Tally
from faults.verify import Verified


def test_options_become_the_plan() -> None:
    plan = plan_from(
        parser().parse_args(
            ["--short", "--store", "sqlite", "--only", "core-kill", "core-outage", "--postgres-restart", "if-alone"]
        )
    )
    assert plan.stores == ("sqlite",) and plan.only == ("core-kill", "core-outage")
    assert plan.outage_seconds == 30 and plan.load_seconds == 1.0 and not plan.baseline
    assert plan.postgres_restart is PostgresRestart.IF_ALONE
    soak = plan_from(parser().parse_args(["--soak", "600"]))
    assert (soak.soak_seconds, soak.stores, soak.verify_every_seconds) == (600, ("postgresql",), 60)


def test_the_table_shows_faults_operations_and_money() -> None:
    lost = Audit(
        operations=12,
        acknowledged=10,
        applied_exactly_once=9,
        lost=Decimal("19.50"),
        balances_checked=9,
        balance_mismatches=["fa-hrg-0: the simulator expects 1, the wallet has 2"],
    )
    verified = Verified(0, 9, 0, "checked 9 accounts: 0 mismatches\n")
    phase = Phase(
        "sqlite",
        "core SIGKILL + restart",
        Injection(1, ["4 requests in flight at the kill"]),
        Tally(),
        lost,
        verified,
        3.0,
        LogLines(),
    )
    result = RunResult([phase], {"sqlite": lost})
    printed = table.drills(result)
    assert "| core SIGKILL + restart | sqlite | 1 | 12 | 10/9 |" in printed
    assert "faults injected: 1; operations: 12; money lost: 19.50; money duplicated: 0.00" in printed
    assert not result.ok
    assert any("the simulator expects 1" in problem for problem in result.problems)


def test_the_failover_table_shows_the_outage_window_and_the_acknowledged_before_the_kill() -> None:
    clean = Audit(operations=200, acknowledged=196, applied_exactly_once=196, balances_checked=9)
    figures = Failover(1.3, 1.35, 1.4, 81, 81)
    phase = Phase(
        "postgresql + sync standby",
        FAILOVER.name,
        Injection(1, ["6 requests in flight"], failover=figures),
        Tally(),
        clean,
        Verified(0, 9, 0, "checked 9 accounts: 0 mismatches\n"),
        9.0,
        LogLines(),
    )
    printed = table.drills(RunResult([phase], {"postgresql + sync standby": clean}, ["not here: a reason"]))
    assert f"| {FAILOVER.name} | postgresql + sync standby | 1.30 | 1.35 | 1.40 | 81 | 81 | 0.00 | 0.00 |" in printed
    assert "- not here: a reason" in printed
