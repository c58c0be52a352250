"""The drill run: on each store, a phase per fault (load, the fault, more load, drain), each followed
by the checks: the audit of the simulator's log against the ledger, and `wallet verify`. Then the
failover drill, on a PostgreSQL primary and synchronous standby built for it (`replication.py`)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from devstack.databases import POSTGRESQL
from faults.audit import Audit, audit
from faults.drills import FAILOVER, Drill, Injection, drills_for, wants_failover
from faults.environment import Env, environment
from faults.plan import Plan
from faults.replication import replicated_pair, why_not_buildable
from faults.serverlogs import LogLines, LogWatch
from faults.tally import Tally
from faults.verify import Verified, wallet_verify

Say = Callable[[str], None]


@dataclass
class Phase:
    store: str
    drill: str
    injection: Injection
    tally: Tally
    audit: Audit
    verified: Verified
    seconds: float
    logs: LogLines
    cut: int = 0
    """Requests whose connection the fault cut with them in flight (gateway kills)."""

    @property
    def problems(self) -> list[str]:
        found = [*self.injection.problems, *self.audit.all_problems]
        found += [
            f"probe {p}: expected {p.expected} within {p.deadline:.1f} s" for p in self.injection.probes if not p.ok
        ]
        found += [f"unexpected answer {code} x{n}" for code, n in sorted(self.tally.unexpected.items())]
        if not self.injection.injected and self.tally.failures:
            found.append(f"{self.tally.failures} requests not acknowledged with no fault injected")
        found += [f"logged {line}" for line in self.logs.errors]
        if not self.verified.ok:
            found.append(f"wallet verify: {self.verified}\n{self.verified.output.strip()}")
        return found


@dataclass
class RunResult:
    phases: list[Phase] = field(default_factory=list)
    finals: dict[str, Audit] = field(default_factory=dict)
    """Per store, the audit of every round of the run, once all faults are over."""
    skipped: list[str] = field(default_factory=list)
    """Drills not run here, with the reason (the failover drill without root or pg_createcluster)."""

    @property
    def problems(self) -> list[str]:
        found = [f"{p.store} / {p.drill}: {problem}" for p in self.phases for problem in p.problems]
        return found + [
            f"{store} / final check: {problem}"
            for store, final in self.finals.items()
            for problem in final.all_problems
        ]

    @property
    def ok(self) -> bool:
        return not self.problems


async def check(env: Env, phase: str | None) -> tuple[Audit, Verified]:
    """The audit of `phase`'s rounds (all of them for None) against the ledger, and `wallet verify`."""
    env.cluster.check_alive()
    ledger = await env.admin.read(env.players)
    log = env.sim.log
    rounds = [r for r in log.rounds if phase is None or r.phase == phase]
    return audit(rounds, ledger, log.expected_balances(), all_rounds=log.rounds), await wallet_verify(env.config)


async def run_phase(env: Env, drill: Drill) -> Phase:
    started = time.monotonic()
    watch = LogWatch(env.cluster.logs())
    watch.mark()
    tally = env.sim.start(drill.name)
    await asyncio.sleep(env.plan.load_seconds)
    injection = await drill.inject(env) if drill.inject else Injection()
    await asyncio.sleep(env.plan.load_seconds)
    await env.sim.drain()
    checked, verified = await check(env, drill.name)
    cut = sum(tally.cut(gateway) for gateway in drill.cuts)
    return Phase(
        env.label,
        drill.name,
        injection,
        tally,
        checked,
        verified,
        time.monotonic() - started,
        watch.since_mark(),
        cut,
    )


async def run_drills(env: Env, drills: list[Drill], result: RunResult, say: Say) -> None:
    """Each drill's phase on `env`, then the audit of every round of it."""
    say(f"{env.label}: core and gateways up, {len(env.players)} players")
    for drill in drills:
        phase = await run_phase(env, drill)
        result.phases.append(phase)
        injected = phase.injection.skipped or "; ".join(
            [*phase.injection.notes, *(str(p) for p in phase.injection.probes)]
        )
        say(
            f"{env.label}: {drill.name}: {phase.audit.operations} operations, "
            f"{'clean' if not phase.problems else 'PROBLEMS'} ({injected})"
        )
    result.finals[env.label], verified = await check(env, None)
    if not verified.ok:
        result.finals[env.label].problems.append(f"wallet verify: {verified}")


async def run_failover(plan: Plan, workdir: Path, say: Say, result: RunResult) -> None:
    reason = why_not_buildable()
    if reason is not None:
        result.skipped.append(f"{FAILOVER.name}: skipped, {reason}")
        say(result.skipped[-1])
        return
    async with replicated_pair() as pair:
        say(f"failover: primary {pair.primary.name} and synchronous standby {pair.standby.name} streaming")
        async with environment(POSTGRESQL, plan, pair.url(), workdir, pair=pair) as env:
            await run_drills(env, [FAILOVER], result, say)


async def run(plan: Plan, server_url: str, workdir: Path, say: Say) -> RunResult:
    result = RunResult()
    for kind in plan.stores:
        drills = drills_for(kind, plan)
        if drills:
            async with environment(kind, plan, server_url, workdir / kind) as env:
                await run_drills(env, drills, result, say)
    if wants_failover(plan):
        await run_failover(plan, workdir / "failover", say, result)
    return result
