"""The events drills in short (`python -m faults --events --short`): under the provider simulator's
load, the relay SIGKILLed mid-batch and restarted, then NATS (a nats-server of the run's own, never
the machine's) SIGKILLed and restarted; after each, every committed transaction is in the stream
once, each account's in order, and no money is lost or applied twice."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from faults import plan as plans
from faults.events import run_events
from faults.table import events
from tests.support.databases import POSTGRES_URL
from tests.support.nats import own_nats_available


async def test_event_drills_on_sqlite(tmp_path: Path) -> None:
    own_nats_available()
    plan = replace(plans.short(), stores=("sqlite",))
    phases = await run_events(plan, POSTGRES_URL, tmp_path, print)
    print(events(phases))
    assert [p.drill for p in phases] == ["relay SIGKILL + restart", "NATS SIGKILL + restart"]
    for phase in phases:
        assert phase.events.committed >= 30, f"{phase.drill}: too little load to mean anything"
        assert (phase.events.lost, phase.events.duplicated, phase.events.out_of_order) == (0, 0, 0), phase.problems
        assert phase.money.lost == 0 and phase.money.duplicated == 0, phase.money.problems
        assert phase.verified.ok, phase.verified.output
        assert not phase.problems, phase.problems
