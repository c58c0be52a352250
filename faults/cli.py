"""`python -m faults`: the command line of the fault drills and the soak (docs/faults.md)."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from faults import plan as plans
from faults import table
from faults.drills import DRILL_KEYS
from faults.events import run_events
from faults.run import run
from faults.soak import soak

DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m faults",
        description="Kill the core and the gateways and restart PostgreSQL under a provider simulator's load, "
        "then check that no acknowledged money was lost or applied twice (docs/faults.md).",
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--short",
        action="store_true",
        help="every fault once with a second of load around it (what the test suite runs)",
    )
    mode.add_argument(
        "--events",
        action="store_true",
        help="instead of the money drills: the events drills (the relay and a NATS of the run's own killed)",
    )
    mode.add_argument(
        "--soak",
        type=float,
        metavar="SECONDS",
        help="instead of the drills: mixed load for SECONDS with wallet verify every minute",
    )
    p.add_argument(
        "--store", choices=["postgresql", "sqlite", "both"], help="drills: both (default); soak: postgresql (default)"
    )
    p.add_argument(
        "--postgres-url",
        default=os.environ.get("WALLET_FAULTS_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        help="the PostgreSQL server the run creates its database on (default: "
        "$WALLET_FAULTS_POSTGRES_URL or %(default)s); the database is dropped afterwards",
    )
    p.add_argument(
        "--postgres-restart",
        choices=[r.value for r in plans.PostgresRestart],
        default=plans.PostgresRestart.YES.value,
        help="restart the PostgreSQL server: yes (default), if-alone (only when no other client is connected), no",
    )
    p.add_argument(
        "--only", nargs="+", choices=DRILL_KEYS, metavar="DRILL", help=f"run only these drills: {', '.join(DRILL_KEYS)}"
    )
    p.add_argument("--load-seconds", type=float, help="load before and after each fault (default 3, short 1)")
    p.add_argument(
        "--outage-seconds",
        type=float,
        help="how long the core-outage drill keeps the core down (default 30; 0: no such drill)",
    )
    p.add_argument("--verify-every", type=float, help="soak: seconds between two wallet verify (default 60)")
    p.add_argument("--workdir", type=Path, help="keep the configuration and the servers' logs here")
    return p


def plan_from(args: argparse.Namespace) -> plans.Plan:
    plan = plans.soak(args.soak) if args.soak else plans.short() if args.short else plans.full()
    if args.store:
        plan = replace(plan, stores=("postgresql", "sqlite") if args.store == "both" else (args.store,))
    plan = replace(plan, postgres_restart=plans.PostgresRestart(args.postgres_restart))
    if args.outage_seconds is not None:
        plan = replace(plan, outage_seconds=args.outage_seconds)
    if args.only:
        plan = replace(
            plan,
            only=tuple(args.only),
            baseline="baseline" in args.only,
            outage_seconds=plan.outage_seconds or plans.Plan.outage_seconds,
        )
    if args.load_seconds is not None:
        plan = replace(plan, load_seconds=args.load_seconds)
    if args.verify_every is not None:
        plan = replace(plan, verify_every_seconds=args.verify_every)
    return plan


def stop_on_sigterm() -> None:
    """SIGTERM unwinds the run like Ctrl-C (the processes stopped, the databases and the failover
    drill's clusters dropped) instead of ending it where it stands."""
    task = asyncio.current_task()
    if task is not None:
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)


async def execute(plan: plans.Plan, postgres_url: str, workdir: Path, *, events: bool = False) -> int:
    stop_on_sigterm()
    started = time.monotonic()

    def say(message: str) -> None:
        print(f"[{time.monotonic() - started:5.0f} s] {message}", file=sys.stderr, flush=True)

    if events:
        phases = await run_events(plan, postgres_url, workdir, say)
        print(table.events(phases))
        problems = [f"{p.store} / {p.drill}: {problem}" for p in phases for problem in p.problems]
    elif plan.soak_seconds:
        soaked = await soak(plan, postgres_url, workdir, say)
        print(table.soak(soaked))
        problems = soaked.problems
    else:
        result = await run(plan, postgres_url, workdir, say)
        print(table.drills(result))
        problems = result.problems
    for problem in problems:
        print(f"PROBLEM: {problem}")
    print("result: " + ("FAILED" if problems else "passed"))
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    plan = plan_from(args)
    try:
        if args.workdir:
            sys.exit(asyncio.run(execute(plan, args.postgres_url, args.workdir.resolve(), events=args.events)))
        with tempfile.TemporaryDirectory(prefix="wallet-faults-") as workdir:
            sys.exit(asyncio.run(execute(plan, args.postgres_url, Path(workdir), events=args.events)))
    except KeyboardInterrupt:
        sys.exit(130)
    except asyncio.CancelledError:  # SIGTERM
        sys.exit(128 + signal.SIGTERM)
