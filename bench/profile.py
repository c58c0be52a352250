"""`python -m bench.profile`: where the core's CPU goes per Debit.

One core process on a fresh database (PostgreSQL by default), the same Debit requests as the
benchmark. First a plain case measures the core's CPU per Debit from /proc (no profiler); then the
same load runs with cProfile on the core's event-loop thread, timed by thread CPU time, and the
profile is split by layer (gRPC, translation, ledger, SQLAlchemy, driver, logging, ...). The
profiler's own overhead inflates every layer, so read the split as shares, and the /proc figure
as the cost. The pstats file stays for `python -m pstats` or snakeviz.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pstats
import shutil
import signal
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench import configs, plan
from bench.cli import DEFAULT_POSTGRES_URL
from bench.generator_handle import Generator
from bench.runtime import Bench, Cores, grpc_task, seed
from bench.servers import spawn, wait_grpc
from bench.stores import PostgresServer, sqlite_store

# (layer, how to recognise its functions by file or built-in name), first match wins
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("logging (one JSON line per call)", ("/logging/", "pythonjsonlogger", "/json/")),
    ("metrics (prometheus_client)", ("prometheus_client",)),
    ("protobuf (messages, Struct, Timestamp)", ("google/protobuf", "google._upb", "_message")),
    ("grpc.aio server", ("grpc", "cygrpc")),
    ("SQLAlchemy (build, compile, execute, rows)", ("sqlalchemy", "greenlet")),
    ("asyncpg driver", ("asyncpg",)),
    ("aiosqlite / sqlite3", ("aiosqlite", "sqlite3")),
    ("wallet_core (service, ledger, queries)", ("wallet_core", "wallet/v1")),
    ("asyncio loop and sockets", ("asyncio", "selectors", "socket", "_contextvars", "<built-in method select")),
)
COUNTS = (
    ("statements executed through SQLAlchemy", ("sqlalchemy/sql/compiler.py", "construct_params")),
    ("statements built (SQLAlchemy .values / .where)", ("sqlalchemy/sql/", "values")),
    ("SQLAlchemy compile-cache lookups", ("sqlalchemy/sql/elements.py", "_compile_w_cache")),
    ("SQLAlchemy greenlet switches", ("~", "<method 'switch' of 'greenlet.greenlet' objects>")),
    ("socket sends (to the database: statements, BEGIN, COMMIT)", ("~", "<method 'send' of '_socket.socket' objects>")),
    ("isinstance calls", ("~", "<built-in method builtins.isinstance>")),
    ("log records", ("logging/__init__.py", "_log")),
)


def layer_of(filename: str, name: str) -> str:
    text = f"{filename} {name}"
    for layer, marks in LAYERS:
        if any(mark in text for mark in marks):
            return layer
    return "other"


def breakdown(stats: pstats.Stats) -> tuple[float, dict[str, float], dict[str, float]]:
    """(total CPU s, self CPU s per layer, calls per counted function). A built-in function's time
    goes to the layers of its callers, in proportion to the time it spent for each."""
    table: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]  # pstats keeps its table untyped
    layers: dict[str, float] = {}
    total = 0.0
    for (filename, _line, name), (_cc, _nc, self_s, _cum, callers) in table.items():
        total += self_s
        shares = [(layer_of(f, n), figures[2]) for (f, _l, n), figures in callers.items()]
        spent = sum(t for _, t in shares)
        if filename == "~" and spent > 0:
            for layer, t in shares:
                layers[layer] = layers.get(layer, 0.0) + self_s * t / spent
        else:
            layers[layer_of(filename, name)] = layers.get(layer_of(filename, name), 0.0) + self_s
    counts = {}
    for label, (file_part, name) in COUNTS:
        counts[label] = float(sum(nc for (filename, _l, fn), (_cc, nc, _t, _c, _callers) in table.items()
                                  if fn == name and file_part in filename))
    return total, layers, counts


def render(total: float, layers: dict[str, float], counts: dict[str, float], debits: int,
           plain_us: float, stats: pstats.Stats) -> str:
    per = 1e6 / max(debits, 1)
    lines = [
        f"core CPU per Debit without the profiler (from /proc, all threads): {plain_us:,.0f} µs",
        f"profiled event-loop thread: {total * per:,.0f} µs per Debit over {debits:,} debits "
        "(cProfile's overhead included: read the shares, not the µs)",
        "",
        "self CPU by layer (share of the event-loop thread; built-ins counted with their callers)",
    ]
    for layer, seconds in sorted(layers.items(), key=lambda kv: -kv[1]):
        lines.append(f"  {100 * seconds / total:5.1f} %  {layer}")
    lines += ["", "per Debit"]
    lines += [f"  {n / max(debits, 1):7.1f}  {label}" for label, n in counts.items() if n]
    lines += ["", "top functions by self CPU (µs per Debit, profiled)"]
    table: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    top = sorted(table.items(), key=lambda kv: -kv[1][2])[:25]
    for (filename, line, name), (_cc, nc, self_s, _cum, _callers) in top:
        where = filename.split("site-packages/")[-1].split("/work/main/")[-1]
        lines.append(f"  {self_s * per:7,.1f} µs  {nc / max(debits, 1):6.1f} calls  {name}  ({where}:{line})")
    return "\n".join(lines)


async def run(args: argparse.Namespace) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="wallet-profile-"))
    postgres = PostgresServer(args.postgres_url) if args.store == "postgresql" else None
    store = await postgres.create() if postgres else await sqlite_store(workdir / "profile.db")
    generator = await Generator.start()
    settings = replace(plan.default(), log_level=args.log_level)
    bench = Bench(settings, generator, workdir, store, postgres)
    stats_file = args.output.resolve()
    stats_file.unlink(missing_ok=True)
    port = configs.free_port()
    config = configs.write_core_config(workdir / "core.toml", store.url, port)
    core = await spawn("core", ["-m", "bench.profiled_core", str(stats_file), "--", "core", "--config", str(config),
                                "--log-level", args.log_level], workdir / "core.log")
    cores = Cores([core], port)
    try:
        await wait_grpc([core], port)
        await seed(bench, store, 0)
        c, seconds = args.concurrency, args.seconds

        def task(name: str) -> dict[str, Any]:
            return grpc_task(name, cores.address, concurrency=c, requests=int(seconds * 5000), warmup=500,
                             connections=settings.connections, players=settings.players, max_seconds=seconds)

        plain, _ = await bench.run(task("plain"), section="profile", label="core Debit, no profiler",
                                   store=store.kind, servers=[core], db_pids=bench.db_pids(store))
        await generator.prepare(task("profiled"))
        os.kill(core.pid, signal.SIGUSR1)
        result = await generator.go()
        os.kill(core.pid, signal.SIGUSR2)
        await generator.close()
        for _ in range(150):  # the core writes the file on SIGUSR2, in its own time
            if stats_file.exists():
                break
            await asyncio.sleep(0.2)
        stats = pstats.Stats(str(stats_file))
        debits = int(result["ok"]) + int(result["failed"])
        plain_us = 1e6 * plain.cpu_s["server_core"] / max(plain.requests, 1)
        total, layers, counts = breakdown(stats)
        print(render(total, layers, counts, debits, plain_us, stats))
        print(f"\n{plain.rps:,.0f} Debit/s without the profiler at {c} concurrent on {store.kind}; "
              f"pstats written to {stats_file}")
    finally:
        await cores.stop()
        await generator.quit()
        if postgres:
            await postgres.drop()
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--postgres-url", default=os.environ.get("WALLET_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--log-level", default="INFO")
    parser.add_argument("--output", type=Path, default=Path(tempfile.gettempdir()) / "wallet-core.pstats")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
