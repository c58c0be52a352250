"""The faults, each injected while the simulator's load runs:
- the core SIGKILLed with requests in flight, the gateways probed while it is gone, then restarted;
- a gateway SIGKILLed with requests in flight (mid-request), then restarted;
- PostgreSQL restarted (`pg_ctlcluster ... restart`);
- the core frozen (SIGSTOP: connections accepted, nothing answered), the gateways probed, then SIGCONT;
- the core down for a long while (`plan.outage_seconds`) under load, then back: each gateway must
  answer again within its deadline of the core's return;
- PostgreSQL's primary lost (its postmaster SIGKILLed) and its synchronous standby promoted, the core
  configured with both (`replication.py`, on a pair of clusters of its own): every operation
  acknowledged before the kill must be on the new primary.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from faults import postgres
from faults.config import DEADLINE_SECONDS, GATEWAYS
from faults.environment import Env
from faults.oplog import Operation, Outcome
from faults.plan import Plan, PostgresRestart
from faults.probes import SLACK_SECONDS, Probe, probe_gateways
from faults.truth import LedgerView
from wallet_core.domain import Kind


@dataclass(frozen=True)
class Failover:
    """The failover drill's figures."""

    promoted_seconds: float
    """From the kill until `pg_ctlcluster … promote` returned (`PROMOTE_AFTER_SECONDS` of it stands in
    for a failover manager noticing; pg_ctl polls, so the standby may have accepted writes a little
    earlier)."""
    first_success_seconds: float | None
    """The outage window: from the kill to the first acknowledgement (any gateway) of a request sent
    after it. None: none came."""
    all_back_seconds: float | None
    """From the kill until every gateway had acknowledged such a request."""
    acknowledged_before: int
    """Operations the simulator had seen acknowledged when the primary was killed."""
    on_new_primary: int
    """Of those, the ones stored on the new primary (read through the core once it served again)."""


@dataclass
class Injection:
    injected: int = 0
    notes: list[str] = field(default_factory=list)
    probes: list[Probe] = field(default_factory=list)
    skipped: str = ""
    """Why the fault was not injected (the PostgreSQL restart on a shared server)."""
    problems: list[str] = field(default_factory=list)
    failover: Failover | None = None


Inject = Callable[[Env], Awaitable[Injection]]


DRILL_KEYS = (
    "baseline",
    "core-kill",
    "gateway-kill",
    "postgres-restart",
    "core-freeze",
    "core-outage",
    "postgres-failover",
)
RECOVERY_LIMIT_SECONDS = 60.0
"""How long the drills wait for a gateway to answer again once the core is back."""
PROMOTE_AFTER_SECONDS = 1.0
"""Between the primary's death and the promotion: a failover manager takes this long at least to
decide (Patroni's default TTL is 30 s; the window grows by as much)."""


@dataclass(frozen=True)
class Drill:
    key: str
    name: str
    inject: Inject | None
    """None: the baseline, load without a fault."""
    cuts: Sequence[str] = ()
    """The gateways whose in-flight requests the fault cuts (counted from the tally)."""


def _recovered(recovered: dict[str, float]) -> str:
    answered = ", ".join(f"{gateway} {recovered[gateway]:.1f} s" for gateway in GATEWAYS if gateway in recovered)
    return f"first acknowledgement after the core was back: {answered or 'none'}"


async def kill_core(env: Env) -> Injection:
    in_flight = await env.sim.wait_in_flight(GATEWAYS)
    await env.cluster.kill_core()
    probes = await probe_gateways(env.sim)
    started = time.monotonic()
    await env.cluster.start_core()
    notes = [
        f"{in_flight} requests in flight at the kill",
        f"core serving again {time.monotonic() - started:.1f} s after its restart began",
    ]
    return Injection(1, [*notes, _recovered(await env.sim.recovery(GATEWAYS, RECOVERY_LIMIT_SECONDS))], probes)


async def core_outage(env: Env) -> Injection:
    """A deploy gone slow, a host lost: the core away for `plan.outage_seconds` while the vendors keep
    sending. Once it serves again, each gateway has its deadline to answer through it again."""
    await env.cluster.kill_core()
    await asyncio.sleep(env.plan.outage_seconds)
    await env.cluster.start_core()
    recovered = await env.sim.recovery(GATEWAYS, RECOVERY_LIMIT_SECONDS)
    limit = DEADLINE_SECONDS + SLACK_SECONDS
    late = [
        f"{gateway} answered again only {recovered[gateway]:.1f} s after the core was back (limit {limit} s)"
        if gateway in recovered
        else f"{gateway} did not answer again within {RECOVERY_LIMIT_SECONDS:.0f} s"
        for gateway in GATEWAYS
        if recovered.get(gateway, RECOVERY_LIMIT_SECONDS) > limit
    ]
    return Injection(1, [f"core down {env.plan.outage_seconds:.0f} s", _recovered(recovered)], problems=late)


def kill_gateways(names: Sequence[str]) -> Inject:
    async def inject(env: Env) -> Injection:
        in_flight = await env.sim.wait_in_flight(names)
        await asyncio.gather(*(env.cluster.kill_gateway(name) for name in names))
        await asyncio.sleep(env.plan.retry_seconds)  # the vendors find nobody listening
        await asyncio.gather(*(env.cluster.start_gateway(name) for name in names))
        return Injection(len(names), [f"{in_flight} requests in flight at the kill"])

    return inject


async def restart_postgres(env: Env) -> Injection:
    reason = postgres.why_not_restartable(env.server_url)
    if reason is None and env.plan.postgres_restart is PostgresRestart.IF_ALONE:
        others = await postgres.other_sessions(env.server_url, env.store.name)
        if others:
            reason = f"other sessions on the server ({', '.join(sorted(set(others))[:3])}): not restarting under them"
    if reason is not None:
        return Injection(skipped=reason)
    in_flight = await env.sim.wait_in_flight(GATEWAYS)
    away = await postgres.restart(env.server_url)
    return Injection(
        1,
        [
            f"{in_flight} requests in flight at the restart",
            f"PostgreSQL answering again {away:.1f} s after the restart began",
        ],
    )


async def freeze_core(env: Env) -> Injection:
    in_flight = await env.sim.wait_in_flight(GATEWAYS)
    env.cluster.freeze_core()
    try:
        probes = await probe_gateways(env.sim)
    finally:
        env.cluster.thaw_core()
    return Injection(1, [f"{in_flight} requests in flight at the freeze"], probes)


def _stored_on(ledger: LedgerView, op: Operation) -> bool:
    status = ledger.rows[op.key].status if op.key in ledger.rows else "missing"
    return status == "completed" or (op.kind is Kind.ROLLBACK and status == "tombstone")


async def fail_over(env: Env) -> Injection:
    """The primary's machine lost with requests in flight: its postmaster SIGKILLed, the synchronous
    standby promoted. Whatever the wallet acknowledged was on the standby before the acknowledgement
    (synchronous_commit = on), so it must all be on the new primary; what was in flight is retried by
    the vendors and applied once."""
    pair = env.pair
    if pair is None:
        return Injection(skipped="no standby (the drill runs on a primary and standby of its own)")
    in_flight = await env.sim.wait_in_flight(GATEWAYS)
    acknowledged = [op for op in env.sim.log.operations() if op.outcome is Outcome.ACKED]
    env.sim.tally.watch_recovery(sent_after=True)
    killed = time.monotonic()
    pid = pair.kill_primary()
    await asyncio.sleep(PROMOTE_AFTER_SECONDS)
    await pair.promote()
    promoted = time.monotonic() - killed
    recovered = await env.sim.recovery(GATEWAYS, RECOVERY_LIMIT_SECONDS, watching=True)
    ledger = await env.admin.read(env.players)
    missing = [op for op in acknowledged if not _stored_on(ledger, op)]
    figures = Failover(
        promoted,
        min(recovered.values()) if recovered else None,
        max(recovered.values()) if len(recovered) == len(GATEWAYS) else None,
        len(acknowledged),
        len(acknowledged) - len(missing),
    )
    notes = [
        f"{in_flight} requests in flight when the primary's postmaster (pid {pid}) was SIGKILLed",
        f"standby promoted {promoted:.1f} s after the kill",
        "first acknowledgement of a request sent after the kill: "
        + (
            ", ".join(f"{gateway} {recovered[gateway]:.1f} s" for gateway in GATEWAYS if gateway in recovered) or "none"
        ),
        f"{figures.on_new_primary}/{figures.acknowledged_before} operations acknowledged before the kill "
        "on the new primary",
    ]
    problems = [f"acknowledged before the kill, not on the new primary: {op}" for op in missing]
    problems += [
        f"{gateway} acknowledged nothing within {RECOVERY_LIMIT_SECONDS:.0f} s of the kill"
        for gateway in GATEWAYS
        if gateway not in recovered
    ]
    return Injection(1, notes, problems=problems, failover=figures)


FAILOVER = Drill("postgres-failover", "PostgreSQL primary SIGKILL, sync standby promoted", fail_over)


def drills_for(kind: str, plan: Plan) -> list[Drill]:
    """The drills run on a store of `kind` (postgresql, sqlite), the failover drill aside."""
    chosen = [Drill("baseline", "baseline (no fault)", None)] if plan.baseline else []
    chosen.append(Drill("core-kill", "core SIGKILL + restart", kill_core))
    if plan.gateway_kills_together:
        chosen.append(Drill("gateway-kill", "gateways SIGKILL + restart", kill_gateways(GATEWAYS), GATEWAYS))
    else:
        chosen += [
            Drill("gateway-kill", f"{name} gateway SIGKILL + restart", kill_gateways((name,)), (name,))
            for name in GATEWAYS
        ]
    if kind == "postgresql" and plan.postgres_restart is not PostgresRestart.NO:
        chosen.append(Drill("postgres-restart", "PostgreSQL restart", restart_postgres))
    chosen.append(Drill("core-freeze", "core frozen (SIGSTOP)", freeze_core))
    if plan.outage_seconds:
        chosen.append(Drill("core-outage", f"core down {plan.outage_seconds:.0f} s, then back", core_outage))
    return [drill for drill in chosen if not plan.only or drill.key in plan.only]


def wants_failover(plan: Plan) -> bool:
    """The failover drill runs once, on a PostgreSQL pair of its own, after the stores' drills."""
    return "postgresql" in plan.stores and (not plan.only or FAILOVER.key in plan.only)
