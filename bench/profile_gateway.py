"""`python -m bench.profile_gateway`: where the AIGame gateway's CPU goes per HTTP request.

A core on a fresh PostgreSQL database with the benchmark's players, the AIGame gateway in front of
it, and the benchmark's own AIGame case: signed bets, each followed by its payout, over HTTP/1.1
keep-alive at 64 connections. First plain rounds measure the gateway's CPU per HTTP request from
/proc (no profiler; the event loop's thread apart from gRPC's own threads), the last one with a
watch on the garbage collector; then the same load runs with cProfile on the gateway's loop thread,
and the profile is split by layer (uvicorn, Starlette, the kit, grpc.aio, protobuf, logging,
metrics, the aigame module). cProfile's own cost per call inflates code made of many small calls:
the split gives its raw shares, and µs with that cost taken off (an estimate; the /proc figure is
the cost). Last, the types of the reference cycles the collector frees, per request.

`--baseline DIR` runs a second gateway from another copy of the code (DIR holds a `gateways`
package, e.g. a copy taken before a change) in rounds interleaved with the measured one, so that
both are measured in one sitting under the same foreign load. Every process runs the code beside
this `bench` package (the gateways' `gateways` package excepted): run this module from a copy of
the repository to keep others' edits to the core out of a measurement.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import pstats
import shutil
import signal
import statistics
import sys
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bench import configs, gateway_layers, plan, proc
from bench.cli import DEFAULT_POSTGRES_URL
from bench.generator_handle import Generator
from bench.runtime import Bench, seed
from bench.sections import BET_PATH, PAYOUT_PATH
from bench.servers import Server, child_environment, spawn, wait_grpc, wait_http
from bench.stores import PostgresServer
from bench.threads import thread_cpu_seconds

ROOT = Path(__file__).resolve().parent.parent  # every process's code, but the measured `gateways`


@dataclass
class Gateway:
    """One gateway process under `bench.profiled_gateway` (its watches off until SIGUSR1)."""

    label: str
    code_root: Path
    server: Server
    port: int
    stats_file: Path
    rounds: list[Figures] = field(default_factory=list)


@dataclass
class Figures:
    """One measured round: CPU seconds of each process (the gateway per thread) over its timed part."""

    requests: int
    failed: int
    elapsed_s: float
    gateway_threads_s: dict[str, float]
    core_s: float
    database_s: float
    machine_s: float
    generator_s: float
    gc: dict[str, list[float]] | None = None
    """The gateway's garbage collector over the round, when watched (see bench.profiled_gateway)."""

    @property
    def gateway_s(self) -> float:
        return sum(self.gateway_threads_s.values())

    def us(self, seconds: float) -> float:
        return 1e6 * seconds / max(self.requests, 1)

    @property
    def other_pct(self) -> float:
        """Someone else's CPU, % of one core: the machine minus every process of the case."""
        ours = self.gateway_s + self.core_s + self.database_s + self.generator_s
        return max(0.0, 100 * (self.machine_s - ours) / max(self.elapsed_s, 1e-9))


def _environment(code_root: Path = ROOT) -> dict[str, str]:
    """The processes' environment with `code_root` first on the path: its `gateways` package wins.
    Each runs in the run's directory, so that the current directory is not first on its path."""
    env = child_environment()
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys([str(code_root), str(ROOT)]))
    return env


async def _check_code(code_root: Path, workdir: Path) -> None:
    """Refuse to measure a gateway whose `gateways` package would not come from `code_root`."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "import gateways; print(gateways.__file__)", cwd=workdir,
        env=_environment(code_root), stdout=asyncio.subprocess.PIPE)
    out, _ = await process.communicate()
    _refuse_other_code(out.decode().strip(), code_root)


def _refuse_other_code(imported: str, code_root: Path) -> None:
    where = Path(imported).resolve()
    if not where.is_relative_to(code_root.resolve()):
        raise SystemExit(f"the gateway would import {where}, not the code under {code_root}")


async def start_core(workdir: Path, config: Path, log_level: str) -> Server:
    return await spawn("core", ["-m", "wallet_cli", "core", "--config", str(config), "--log-level", log_level],
                       workdir / "core.log", env=_environment(), cwd=workdir)


async def start_generator(workdir: Path) -> Generator:
    return await Generator.start(env=_environment(), cwd=workdir)


async def start_gateway(label: str, code_root: Path, workdir: Path, core_port: int, stats_file: Path,
                        log_level: str) -> Gateway:
    await _check_code(code_root, workdir)
    port = configs.free_port()
    config = configs.write_gateway_config(workdir / f"gateway-{label}.toml", port, core_port)
    log = workdir / f"gateway-{label}.log"
    for path in (stats_file, *(_beside(stats_file, suffix) for suffix in ("plain.gc.json", "gc.json", "garbage.json"))):
        _remove(path)
    args = ["-m", "bench.profiled_gateway", str(stats_file), "--", "gateway", "aigame", "--config", str(config),
            "--log-level", log_level]
    server = await spawn(f"gateway-{label}", args, log, env=_environment(code_root), cwd=workdir)
    gateway = Gateway(label, code_root, server, port, stats_file)
    await wait_http(gateway.server, port)
    return gateway


# Plain functions for the file steps the coroutines take: ruff's ASYNC240 refuses pathlib calls written
# inside a coroutine, and these files are small and local, so blocking on them briefly is fine.
def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)


def _beside(stats_file: Path, suffix: str) -> Path:
    return stats_file.with_name(f"{stats_file.name}.{suffix}")


def _exists(path: Path) -> bool:
    return path.exists()


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text())


def aigame_task(name: str, gateway: Gateway, *, concurrency: int, requests: int, warmup: int, players: int,
                max_seconds: float) -> dict[str, Any]:
    return {
        "kind": "aigame", "name": name, "address": f"127.0.0.1:{gateway.port}", "bet_path": BET_PATH,
        "payout_path": PAYOUT_PATH, "players": players, "concurrency": concurrency, "requests": requests,
        "warmup": warmup, "max_seconds": max_seconds,
    }


async def _snapshot(gateway: Gateway, core: Server, postgres: PostgresServer
                    ) -> tuple[dict[str, float], float, dict[int, float], float]:
    backends = {pid: proc.cpu_seconds(pid) for pid in await postgres.backend_pids()}
    return (thread_cpu_seconds(gateway.server.pid), proc.cpu_seconds(core.pid), backends,
            proc.machine_cpu_seconds()[0])


async def measure(generator: Generator, task: dict[str, Any], gateway: Gateway, core: Server,
                  postgres: PostgresServer, *, watch_gc: bool = False) -> Figures:
    """One plain round; with `watch_gc`, the gateway's first signal window (its collector only) around it."""
    await generator.prepare(task)
    try:
        if watch_gc:
            os.kill(gateway.server.pid, signal.SIGUSR1)
            await asyncio.sleep(0.5)  # its full collection at the window's start: before the counters
        threads0, core0, db0, machine0 = await _snapshot(gateway, core, postgres)
        result = await generator.go()
        threads1, core1, db1, machine1 = await _snapshot(gateway, core, postgres)
        if watch_gc:
            os.kill(gateway.server.pid, signal.SIGUSR2)
    finally:
        await generator.close()
    gateway.server.check_alive()
    core.check_alive()
    watched = _beside(gateway.stats_file, "plain.gc.json")
    return Figures(
        requests=int(result["requests"]), failed=int(result["failed"]), elapsed_s=float(result["elapsed_s"]),
        gateway_threads_s={name: s - threads0.get(name, 0.0) for name, s in threads1.items()},
        core_s=core1 - core0, database_s=sum(s - db0.get(pid, 0.0) for pid, s in db1.items()),
        machine_s=machine1 - machine0, generator_s=float(result["generator_cpu_s"]),
        gc=_read_json(watched) if watch_gc and await _written(watched) else None,
    )


async def _written(path: Path) -> bool:
    for _ in range(150):  # the gateway writes the file on SIGUSR2, in its own time
        if _exists(path):
            return True
        await asyncio.sleep(0.2)
    return False


def describe_round(label: str, r: int, f: Figures) -> str:
    threads = sorted(f.gateway_threads_s.items(), key=lambda kv: -kv[1])
    others = ", ".join(f"{name} {f.us(s):,.0f}" for name, s in threads if name != "loop" and f.us(s) >= 1)
    return (f"round {r + 1} {label:>12}: {f.requests:,} HTTP requests ({f.failed} failed), "
            f"{f.requests / max(f.elapsed_s, 1e-9):,.0f}/s, other {f.other_pct:.0f} %; gateway "
            f"{f.us(f.gateway_s):,.0f} µs/req (loop thread {f.us(f.gateway_threads_s.get('loop', 0.0)):,.0f}; "
            f"{others or 'no other thread'}), core {f.us(f.core_s):,.0f} µs/req")


def median_us(rounds: list[Figures], thread: str | None = None) -> float:
    return statistics.median(
        f.us(f.gateway_s if thread is None else f.gateway_threads_s.get(thread, 0.0)) for f in rounds)


@dataclass
class Profiled:
    stats: pstats.Stats
    requests: int
    loop_s: float
    """The loop thread's CPU over the window, from /proc (the profiler's overhead included)."""
    gc: dict[str, list[float]]
    """The collector's passes, CPU seconds and freed objects per generation over the window."""


async def _window(generator: Generator, task: dict[str, Any], gateway: Gateway, written: Path) -> tuple[int, float]:
    """Run `task` between SIGUSR1 and SIGUSR2 to the gateway, until it has written `written`:
    (requests done, the loop thread's CPU seconds)."""
    await generator.prepare(task)
    try:
        before = thread_cpu_seconds(gateway.server.pid).get("loop", 0.0)
        os.kill(gateway.server.pid, signal.SIGUSR1)
        result = await generator.go()
        os.kill(gateway.server.pid, signal.SIGUSR2)
        after = thread_cpu_seconds(gateway.server.pid).get("loop", 0.0)
    finally:
        await generator.close()
    await _written(written)
    return int(result["requests"]), after - before


async def profile(generator: Generator, task: dict[str, Any], gateway: Gateway) -> Profiled:
    """The case run with cProfile on the gateway's loop thread and a watch on its garbage collector."""
    requests, loop_s = await _window(generator, task, gateway, gateway.stats_file)
    return Profiled(pstats.Stats(str(gateway.stats_file)), requests, loop_s,
                    _read_json(_beside(gateway.stats_file, "gc.json")))


async def garbage(generator: Generator, task: dict[str, Any], gateway: Gateway) -> tuple[dict[str, int], int]:
    """The types of what the collector freed while the gateway answered `task`: (types, requests)."""
    written = _beside(gateway.stats_file, "garbage.json")
    requests, _ = await _window(generator, task, gateway, written)
    kinds: dict[str, int] = _read_json(written)
    return kinds, requests


def render_gc(gc: dict[str, list[float]], requests: int) -> list[str]:
    per = 1.0 / max(requests, 1)
    passes = " / ".join(f"{n * per * 1000:,.1f}" for n in gc["passes"])
    each = " / ".join(f"{1e6 * s / max(n, 1):,.0f}" for s, n in zip(gc["seconds"], gc["passes"], strict=True))
    return [
        f"garbage collector: {1e6 * sum(gc['seconds']) * per:,.1f} µs per request; passes per 1,000 requests, "
        f"generation 0 / 1 / 2: {passes}; µs per pass: {each}",
        f"  objects only a collection freed (reference cycles): {sum(gc['freed']) * per:,.1f} per request",
    ]


def render_profile(gateway: Gateway, profiled: Profiled) -> str:
    """The loop thread's CPU per request by layer. cProfile adds the same bookkeeping to every call it
    sees, part to the callee's time and part to the caller's, so its raw shares overstate code made of
    many small calls. The µs column takes that cost off each function (what profiling added to the
    loop thread, over the calls it saw; the callee's part is what the quickest built-in took a call)
    and adds what cProfile cannot see (uvloop's own C: epoll, socket reads, dispatching callbacks)."""
    stats, requests = profiled.stats, profiled.requests
    per = 1e6 / max(requests, 1)
    loop_us = median_us(gateway.rounds, "loop")
    seen_s, raw = gateway_layers.split(stats)
    profiled_us = profiled.loop_s * per
    unseen_us = max(0.0, profiled_us - seen_s * per)
    calls = gateway_layers.calls(stats) / max(requests, 1)
    per_call_s = max(0.0, (profiled_us - loop_us) / max(calls, 1.0)) / 1e6
    in_callee_s = min(per_call_s, gateway_layers.in_callee_per_call(stats, requests))
    _, layers = gateway_layers.split(stats, in_callee_s, per_call_s - in_callee_s)
    collector, cycles = render_gc(profiled.gc, requests)
    lines = [
        f"gateway {gateway.label} ({gateway.code_root}): unprofiled loop thread {loop_us:,.0f} µs per request; "
        f"profiled {profiled_us:,.0f} µs over {requests:,} requests, {calls:,.0f} calls each "
        f"(the profiler's cost: {per_call_s * 1e6:.2f} µs a call, {in_callee_s * 1e6:.2f} of it in the callee), "
        f"{unseen_us:,.0f} µs outside any function it saw",
        "over the profiled window, " + collector + " (the collector's own CPU: "
        "cProfile charges it to whichever function allocated)",
        cycles,
        "",
        "loop thread by layer: share of cProfile's raw self time | µs per request without the profiler's cost",
    ]
    for layer, seconds in sorted(layers.items(), key=lambda kv: -kv[1]):
        share = raw.get(layer, 0.0) / max(seen_s, 1e-12)
        lines.append(f"  {100 * share:5.1f} %  {seconds * per:6,.1f} µs  {layer}")
    lines.append(f"      -    {unseen_us:6,.1f} µs  uvloop's own C, unseen by cProfile (epoll, reads, callbacks)")
    lines.append(f"           {sum(layers.values()) * per + unseen_us:6,.1f} µs  in all (unprofiled: {loop_us:,.0f})")
    lines += ["", "calls per request"]
    lines += [f"  {n / max(requests, 1):7.2f}  {label}" for label, n in gateway_layers.counts(stats).items() if n]
    lines += ["", "top functions by self CPU (µs per request, profiled, the profiler's cost included)"]
    for (filename, line, name), count, self_s in gateway_layers.top(stats, 30):
        where = filename.split("site-packages/")[-1].split(f"{ROOT}/")[-1].split(f"{gateway.code_root}/")[-1]
        lines.append(f"  {self_s * per:7,.1f} µs  {count / max(requests, 1):6.2f} calls  {name}  ({where}:{line})")
    return "\n".join(lines)


async def run(args: argparse.Namespace) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="wallet-profile-gateway-"))
    postgres = PostgresServer(args.postgres_url)
    store = await postgres.create()
    generator = await start_generator(workdir)
    settings = replace(plan.default(), log_level=args.log_level)
    bench = Bench(settings, generator, workdir, store, postgres)
    core_port = configs.free_port()
    core_config = configs.write_core_config(workdir / "core.toml", store.url, core_port)
    core = await start_core(workdir, core_config, args.log_level)
    gateways: list[Gateway] = []
    try:
        await wait_grpc([core], core_port)
        await seed(bench, store, 0)
        output: Path = args.output.resolve()
        variants = [("measured", args.code.resolve(), output)]
        if args.baseline:
            variants.append(("baseline", args.baseline.resolve(), output.with_name(f"{output.stem}-baseline.pstats")))
        for label, code_root, stats_file in variants:
            gateways.append(await start_gateway(label, code_root, workdir, core_port, stats_file, args.log_level))
        c = args.concurrency

        def task(name: str, gateway: Gateway, requests: int, warmup: int) -> dict[str, Any]:
            return aigame_task(name, gateway, concurrency=c, requests=requests, warmup=warmup,
                               players=settings.players, max_seconds=args.seconds)

        for r in range(args.rounds):
            order = gateways if r % 2 == 0 else gateways[::-1]  # neither always goes first
            for gateway in order:
                figures = await measure(generator, task(f"pg-{gateway.label}-r{r}", gateway, args.requests,
                                                        args.warmup), gateway, core, postgres,
                                        watch_gc=r == args.rounds - 1)
                gateway.rounds.append(figures)
                print(describe_round(gateway.label, r, figures), flush=True)
        print()
        for gateway in gateways:
            print(f"{gateway.label:>12}: gateway {median_us(gateway.rounds):,.0f} µs per HTTP request "
                  f"(median of {len(gateway.rounds)} rounds; loop thread {median_us(gateway.rounds, 'loop'):,.0f})")
            last = gateway.rounds[-1]
            if last.gc is not None:
                print(f"{'':>12}  in its last round, " + render_gc(last.gc, last.requests)[0])
        if len(gateways) == 2:
            pairs = [m.us(m.gateway_s) / max(b.us(b.gateway_s), 1e-9)
                     for m, b in zip(gateways[0].rounds, gateways[1].rounds, strict=True)]
            print(f"{'ratio':>12}: measured / baseline = "
                  f"{median_us(gateways[0].rounds) / max(median_us(gateways[1].rounds), 1e-9):.2f} (medians); "
                  "round by round " + ", ".join(f"{p:.2f}" for p in pairs))
        if args.profile_requests:
            for gateway in gateways:
                profiled = await profile(
                    generator, task(f"pg-{gateway.label}-profiled", gateway, args.profile_requests, 0), gateway)
                print("\n" + render_profile(gateway, profiled), flush=True)
                print(f"\npstats written to {gateway.stats_file}")
                kinds, done = await garbage(
                    generator, task(f"pg-{gateway.label}-garbage", gateway, args.garbage_requests, 0), gateway)
                common = {kind: count / max(done, 1) for kind, count in kinds.items() if count / max(done, 1) >= 0.05}
                print(f"\nwhat the collector freed, per request ({done:,} requests): "
                      + ("" if common else "nothing (no reference cycles)"))
                for kind, each in common.items():
                    print(f"  {each:7.2f}  {kind}")
    finally:
        await asyncio.gather(*(gateway.server.stop() for gateway in gateways))
        await core.stop()
        await generator.quit()
        await postgres.drop()
        if args.keep:
            print(f"run directory kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    doc = __doc__ or ""
    parser = argparse.ArgumentParser(prog="python -m bench.profile_gateway", description=doc.split("\n\n")[0])
    parser.add_argument("--postgres-url", default=os.environ.get("WALLET_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    parser.add_argument("--concurrency", type=int, default=64, help="HTTP connections (default %(default)s)")
    parser.add_argument("--rounds", type=int, default=3, help="plain rounds per gateway (default %(default)s)")
    parser.add_argument("--requests", type=int, default=10_000, help="HTTP requests per round (default %(default)s)")
    parser.add_argument("--warmup", type=int, default=1_000,
                        help="warm-up requests before each round (default %(default)s)")
    parser.add_argument("--seconds", type=float, default=15.0, help="a round takes no new request after this long")
    parser.add_argument("--profile-requests", type=int, default=8_000, help="requests profiled (0: no profile)")
    parser.add_argument("--code", type=Path, default=ROOT,
                        help="the directory whose `gateways` package is measured (default: %(default)s)")
    parser.add_argument("--garbage-requests", type=int, default=2_000,
                        help="requests whose reference cycles are sorted by type, after the profile")
    parser.add_argument("--baseline", type=Path, help="a directory holding another `gateways` package to compare")
    parser.add_argument("--log-level", default="INFO", help="the servers' log level (default INFO, as in production)")
    parser.add_argument("--output", type=Path, default=Path(tempfile.gettempdir()) / "wallet-gateway.pstats")
    parser.add_argument("--keep", action="store_true", help="keep the run's directory (configs, server logs)")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1 (the last one watches the collector)")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
