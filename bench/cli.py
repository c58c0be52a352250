"""`python -m bench`: the command line of the benchmark."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Coroutine
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench import plan as plans
from bench.cpu_pairs import Settings, compare
from bench.runner import run
from devstack.checkouts import NotACheckout
from devstack.processes import ROOT

DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
RESULTS, PAIRS_RESULTS = Path("bench-results.json"), Path("bench-results-cpu-pairs.json")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bench",
        description="Measure the wallet on this machine (docs/performance.md): core Debit over gRPC, hot balance, "
        "the AIGame gateway end to end, SQLite, the echo and driver baselines, memory and size.",
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="a smoke run: a few hundred requests, SQLite only")
    mode.add_argument("--long", action="store_true", help="the default run plus 1,000,000 transactions for memory")
    mode.add_argument(
        "--cpu-per-debit",
        type=Path,
        metavar="BEFORE",
        help="instead of the run: the core's CPU per Debit of this checkout against the checkout "
        "BEFORE (e.g. from `git worktree add`), in alternating pairs; the ratio after / before",
    )
    mode.add_argument(
        "--tracing-cost",
        type=float,
        metavar="RATIO",
        help="instead of the run: the core's CPU per Debit with tracing on at the sample ratio RATIO (e.g. 0.01) "
        "against tracing off, both this checkout, in alternating pairs (the --cpu-per-debit options apply)",
    )
    p.add_argument(
        "--history",
        type=int,
        default=0,
        metavar="N",
        help="fill the PostgreSQL ledger with N production-shaped transactions first (in bulk), then measure "
        "Debit against it and an empty ledger, a months-old replay, wallet report and wallet verify",
    )
    p.add_argument(
        "--history-only",
        action="store_true",
        help="with --history: the history section and the constant-arrival cases alone, not the usual cases",
    )
    p.add_argument(
        "--output", type=Path, help=f"the JSON file (default: {RESULTS}, with --cpu-per-debit {PAIRS_RESULTS})"
    )
    p.add_argument(
        "--postgres-url",
        default=os.environ.get("WALLET_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        help="a PostgreSQL server to create the run's database on (default: $WALLET_BENCH_POSTGRES_URL "
        "or %(default)s); the database is dropped afterwards",
    )
    p.add_argument(
        "--core-processes",
        type=int,
        help="core processes sharing the port (SO_REUSEPORT) on PostgreSQL, and echo processes (default 2)",
    )
    p.add_argument("--connections", type=int, help="gRPC connections of the generator (default 8)")
    p.add_argument("--core-pool-size", type=int, help="the core's database pool_size (default: the core's own)")
    p.add_argument("--log-level", default="INFO", help="the servers' log level (default INFO, as in production)")
    p.add_argument("--keep", action="store_true", help="keep the run directory (configs, server logs)")
    pairs = p.add_argument_group("--cpu-per-debit")
    pairs.add_argument("--pairs", type=int, default=3, help="alternating pairs (default %(default)s)")
    pairs.add_argument(
        "--store",
        choices=("postgresql", "sqlite"),
        default="postgresql",
        help="each core's database (default %(default)s)",
    )
    pairs.add_argument("--seconds", type=float, default=8.0, help="a case's length (default %(default)s)")
    pairs.add_argument("--concurrency", type=int, default=64, help="Debits in flight (default %(default)s)")
    pairs.add_argument(
        "--traced-side",
        choices=("before", "after"),
        default="after",
        help="with --tracing-cost, the side traced (default %(default)s; run both to see the two cores' own bias)",
    )
    return p


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    if args.cpu_per_debit or args.tracing_cost is not None:
        settings = Settings(
            args.cpu_per_debit.resolve() if args.cpu_per_debit else ROOT,
            args.store,
            args.postgres_url,
            args.pairs,
            args.seconds,
            args.concurrency,
            args.log_level.upper(),
            args.tracing_cost,
            args.traced_side,
        )
        try:
            _exit(compare(settings, (args.output or PAIRS_RESULTS).resolve()))
        except NotACheckout as error:
            parser().error(str(error))
    plan = plans.quick() if args.quick else plans.long() if args.long else plans.default()
    plan = replace(plan, core_pool_size=args.core_pool_size, log_level=args.log_level.upper())
    if args.history_only and not args.history:
        parser().error("--history-only needs --history N")
    if args.history and not plan.postgres:
        parser().error("--history needs PostgreSQL (not --quick)")
    plan = replace(plan, history=args.history, history_only=args.history_only)
    if args.core_processes:
        plan = replace(plan, core_processes=args.core_processes)
    if args.connections:
        plan = replace(plan, connections=args.connections)
    _exit(run(plan, args.postgres_url, (args.output or RESULTS).resolve(), keep_workdir=args.keep))


def _exit(work: Coroutine[Any, Any, int]) -> None:
    try:
        sys.exit(asyncio.run(work))
    except KeyboardInterrupt:
        sys.exit(130)
