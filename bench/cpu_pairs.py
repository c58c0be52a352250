"""`python -m bench --cpu-per-debit BEFORE`: the core's CPU per Debit, before and after a change.

BEFORE is another checkout of the repository (e.g. `git worktree add /tmp/before HEAD~1`); "after"
is this one. Each runs its own core, on its own fresh database migrated by its own code, with the
same players (opened through CreateAccount, which every version answers alike). Then the same Debit
load goes to one and to the other in alternating pairs (before-after, after-before, ...), so that
the machine's other load falls on both alike; the core's CPU (every thread, from /proc) over the
Debits it served gives µs a Debit, and each pair a ratio after / before. The project's rules ask
for that ratio on every change to the money path.

`python -m bench --tracing-cost RATIO` runs the same pairs on this one checkout: "before" with
tracing off, "after" with `[core.tracing]` on at the sample ratio RATIO, its spans exported over
OTLP to a stand-in collector (bench/otlp_sink.py), so that the ratio is what tracing costs a Debit.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import grpc

from bench import configs, payloads
from bench.control import measure
from bench.generator_handle import Generator
from bench.otlp_sink import exports, otlp_sink
from bench.runtime import grpc_task
from devstack.checkouts import check_checkout
from devstack.databases import POSTGRESQL, Database, create_postgres_database, drop_database, sqlite_database
from devstack.ports import free_port
from devstack.processes import ROOT, Server
from devstack.wallet import migrate, start_cores
from wallet.v1 import wallet_pb2 as pb
from wallet.v1 import wallet_pb2_grpc

BEFORE, AFTER = "before", "after"
PLAYERS = 2_000
WARMUP = 500
REQUESTS_PER_SECOND = 5_000  # more than a core does here: the case ends by time, not by running out


@dataclass(frozen=True)
class Settings:
    before: Path
    store: str = POSTGRESQL
    postgres_url: str = ""
    pairs: int = 3
    seconds: float = 8.0
    concurrency: int = 64
    log_level: str = "INFO"
    tracing_ratio: float | None = None
    """Set: both sides are this checkout, `traced_side` traced at this sample ratio (`--tracing-cost`)."""
    traced_side: str = AFTER
    """Which side is traced: "before" as well, so that a bias between the two cores shows (the ratio
    inverts with the roles when it is tracing's; a control run of two untraced cores gave 1.09)."""


@dataclass(frozen=True)
class Case:
    """One side's timed case: the core's CPU per Debit and its rate."""

    side: str
    core_us: float
    rps: float
    debits: int
    failed: int


@dataclass(frozen=True)
class Pair:
    first: str
    before: Case
    after: Case

    @property
    def ratio(self) -> float:
        return self.after.core_us / self.before.core_us if self.before.core_us else float("nan")


def order(pair: int) -> tuple[str, str]:
    """Which side goes first in each pair: neither always does."""
    return (BEFORE, AFTER) if pair % 2 == 0 else (AFTER, BEFORE)


def summary(pairs: list[Pair]) -> dict[str, Any]:
    ratios = [pair.ratio for pair in pairs]
    return {
        "ratios": [round(r, 3) for r in ratios],
        "mean_ratio": round(statistics.fmean(ratios), 3) if ratios else None,
        "before_us": [round(pair.before.core_us, 1) for pair in pairs],
        "after_us": [round(pair.after.core_us, 1) for pair in pairs],
    }


def describe(number: int, pair: Pair) -> str:
    return (
        f"  pair {number} ({pair.first} first): before {pair.before.core_us:,.0f} µs ({pair.before.rps:,.0f}/s), "
        f"after {pair.after.core_us:,.0f} µs ({pair.after.rps:,.0f}/s), ratio {pair.ratio:.2f}"
    )


def render(pairs: list[Pair], settings: Settings) -> str:
    sides = (
        f"before = {settings.before}, after = {ROOT}"
        if settings.tracing_ratio is None
        else f"{ROOT}: {settings.traced_side} = tracing on at sample ratio {settings.tracing_ratio:g}, the other off"
    )
    lines = [
        f"core CPU per Debit, {settings.store}, {settings.concurrency} concurrent, {settings.seconds:g} s a case; "
        + sides
    ]
    lines += [describe(i + 1, pair) for i, pair in enumerate(pairs)]
    lines.append(f"after / before: mean ratio {summary(pairs)['mean_ratio']}")
    return "\n".join(lines)


@dataclass
class Side:
    """One checkout's core on its own database."""

    name: str
    code: Path
    database: Database
    port: int
    core: Server | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"


async def _database(settings: Settings, workdir: Path, name: str) -> Database:
    """Empty: the side's own code migrates it."""
    if settings.store == POSTGRESQL:
        return await create_postgres_database(settings.postgres_url, "wallet_bench_", migrate=False)
    return await sqlite_database(workdir / f"{name}.db", migrate=False)


async def _open_accounts(address: str) -> None:
    balance = f"{payloads.PLAYER_BALANCE_MINOR // 100}.00"
    metadata = (("authorization", f"Bearer {configs.ADMIN_TOKEN}"),)
    async with grpc.aio.insecure_channel(address) as channel:
        stub = wallet_pb2_grpc.WalletServiceStub(channel)
        for start in range(0, PLAYERS, 200):
            await asyncio.gather(
                *(
                    stub.CreateAccount(
                        pb.CreateAccountRequest(
                            player_id=payloads.player_id(i), currency=payloads.CURRENCY, initial_balance=balance
                        ),
                        metadata=metadata,
                        timeout=30,
                    )
                    for i in range(start, min(start + 200, PLAYERS))
                )
            )


async def _start(side: Side, settings: Settings, workdir: Path) -> None:
    traced = settings.tracing_ratio if side.name == settings.traced_side else None
    config = configs.write_core_config(
        workdir / f"{side.name}.toml", side.database.url, side.port, tracing_ratio=traced
    )
    await migrate(config, code=side.code, cwd=workdir)
    (side.core,) = await start_cores(
        config, side.port, [workdir / f"{side.name}.log"], log_level=settings.log_level, code=side.code, cwd=workdir
    )
    await _open_accounts(side.address)


async def _case(generator: Generator, side: Side, settings: Settings, name: str, warmup: int) -> Case:
    assert side.core is not None
    task = grpc_task(
        name,
        side.address,
        concurrency=settings.concurrency,
        requests=int(settings.seconds * REQUESTS_PER_SECOND),
        warmup=warmup,
        connections=8,
        players=PLAYERS,
        max_seconds=settings.seconds,
    )
    row, _ = await measure(
        generator, task, section="cpu-pairs", label=side.name, store=settings.store, servers=[side.core], db_pids=None
    )
    return Case(side.name, row.cpu_us_per_request["server"], row.rps, row.requests, row.failed)


async def compare(settings: Settings, output: Path) -> int:
    """Print and write the pairs; 1 when a Debit failed (the figures would not compare like with like)."""
    if settings.tracing_ratio is None:
        return await _compare(settings, output)
    with otlp_sink() as variables:
        # The cores inherit the bench's environment (devstack.processes.child_environment).
        saved = {name: os.environ.get(name) for name in variables}
        os.environ.update(variables)
        try:
            code = await _compare(settings, output)
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
    print(f"tracing: the stand-in collector took {exports()} exports")
    return code


async def _compare(settings: Settings, output: Path) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="wallet-bench-pairs-"))
    sides: dict[str, Side] = {}
    generator: Generator | None = None
    try:
        await check_checkout(settings.before.resolve(), workdir)
        generator = await Generator.start()
        for name, code in ((BEFORE, settings.before.resolve()), (AFTER, ROOT)):
            sides[name] = Side(name, code, await _database(settings, workdir, name), free_port())
            await _start(sides[name], settings, workdir)
        pairs: list[Pair] = []
        for i in range(settings.pairs):
            cases = {
                name: await _case(generator, sides[name], settings, f"{name}-p{i}", WARMUP if i == 0 else 0)
                for name in order(i)
            }
            pairs.append(Pair(order(i)[0], cases[BEFORE], cases[AFTER]))
            print(describe(i + 1, pairs[-1]), flush=True)
    finally:
        if generator is not None:
            await generator.quit()
        for side in sides.values():
            if side.core is not None:
                await side.core.stop()
            await drop_database(side.database, settings.postgres_url)
        shutil.rmtree(workdir, ignore_errors=True)
    print(render(pairs, settings))
    results = {
        "schema": "wallet-bench-cpu-pairs/1",
        "settings": {**asdict(settings), "before": str(settings.before), "after": str(ROOT)},
        "pairs": [
            {"first": p.first, "before": asdict(p.before), "after": asdict(p.after), "ratio": round(p.ratio, 3)}
            for p in pairs
        ],
        **summary(pairs),
    }
    await asyncio.to_thread(output.write_text, json.dumps(results, indent=2) + "\n")
    failed = sum(case.failed for pair in pairs for case in (pair.before, pair.after))
    if failed:
        print(f"PROBLEM: {failed} debits failed")
    return 1 if failed else 0
