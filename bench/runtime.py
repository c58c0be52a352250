"""What every section shares: the run's context, starting cores on a store, seeding players and
building the generator's tasks."""

from __future__ import annotations

import asyncio
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import configs, payloads
from bench.control import DbPids, measure
from bench.generator_handle import Generator
from bench.plan import Plan
from bench.rows import Row
from bench.stores import PostgresServer, Store
from devstack.ports import free_port
from devstack.processes import Server
from devstack.wallet import start_cores as start_core_processes

DEBIT_PATH = "/wallet.v1.WalletService/Debit"


@dataclass
class Bench:
    plan: Plan
    generator: Generator
    workdir: Path
    store: Store  # sections 1-3 and 6: PostgreSQL (SQLite with --quick)
    postgres: PostgresServer | None
    rows: list[Row] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # integrity failures: the run exits 1
    warnings: list[str] = field(default_factory=list)  # the figures may mislead (the run still counts)
    started: float = field(default_factory=time.monotonic)

    def db_pids(self, store: Store) -> DbPids | None:
        return self.postgres.backend_pids if self.postgres and store.kind == "postgresql" else None

    def say(self, message: str) -> None:
        print(f"[{time.monotonic() - self.started:5.0f} s] {message}", file=sys.stderr, flush=True)

    def skip(self, section: str, reason: str) -> None:
        self.skipped.append({"section": section, "reason": reason})
        self.say(f"skipped {section}: {reason}")

    async def run(
        self,
        task: dict[str, Any],
        *,
        section: str,
        label: str,
        store: str,
        servers: list[Server],
        db_pids: DbPids | None,
    ) -> tuple[Row, dict[str, Any]]:
        row, extra = await measure(
            self.generator, task, section=section, label=label, store=store, servers=servers, db_pids=db_pids
        )
        latency, cpu = row.latency, row.cpu_pct
        self.say(
            f"{label} c={row.concurrency}: {row.rps:,.0f}/s p50 {latency['p50_ms']:.2f} ms p99 "
            f"{latency['p99_ms']:.2f} ms ({row.failed} failed of {row.requests:,}); CPU % gen "
            f"{cpu['generator']:.0f} server {cpu['server']:.0f} db {cpu['database']:.0f} other {cpu['other']:.0f}"
        )
        return row, extra


@dataclass
class Cores:
    servers: list[Server]
    port: int

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def stop(self) -> None:
        await asyncio.gather(*(server.stop() for server in self.servers))


async def start_cores(bench: Bench, store: Store, name: str) -> Cores:
    """`plan.core_processes` core processes on one port (SO_REUSEPORT) on PostgreSQL, each answering
    health checks; one on SQLite, the embedded store, whose one writer thread holds the file."""
    processes = bench.plan.core_processes if store.kind == "postgresql" else 1
    port = free_port()
    config = configs.write_core_config(bench.workdir / f"{name}.toml", store.url, port, bench.plan.core_pool_size)
    logs = [bench.workdir / f"{name}-{i}.log" for i in range(processes)]
    return Cores(await start_core_processes(config, port, logs, log_level=bench.plan.log_level), port)


def grpc_task(
    name: str,
    address: str,
    *,
    concurrency: int,
    requests: int,
    warmup: int,
    connections: int,
    players: int,
    path: str = DEBIT_PATH,
    token: str = configs.BENCH_TOKEN,
    player: str | None = None,
    keep_responses: bool = False,
    client: str = "h2",
    max_seconds: float | None = None,
) -> dict[str, Any]:
    return {
        "kind": "grpc",
        "name": name,
        "address": address,
        "path": path,
        "token": token,
        "players": players,
        "player": player,
        "concurrency": concurrency,
        "requests": requests,
        "warmup": warmup,
        "connections": min(connections, concurrency),
        "keep_responses": keep_responses,
        "client": client,
        "max_seconds": max_seconds,
    }


async def seed(bench: Bench, store: Store, hot_balance_minor: int) -> None:
    """The players (and the hot player) with their opening balances. The core must have started on
    the store first: it writes the configured currencies."""
    started = time.monotonic()
    balances = [(payloads.player_id(i), payloads.PLAYER_BALANCE_MINOR) for i in range(bench.plan.players)]
    await store.open_accounts([*balances, (payloads.HOT_PLAYER, hot_balance_minor)], payloads.CURRENCY)
    bench.say(f"opened {len(balances) + 1:,} accounts on {store.kind} in {time.monotonic() - started:.1f} s")
