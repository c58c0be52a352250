"""The measured sections of the issue: the baselines and core Debit (interleaved), hot balance, the
AIGame gateway end to end, and the embedded store."""

from __future__ import annotations

import asyncio
import importlib
from typing import Any

from bench import configs, payloads
from bench.echo_server import PATH as ECHO_PATH
from bench.echo_server import start_echo
from bench.replicas import split, start_replicas
from bench.rows import Row, merge
from bench.runtime import Bench, Cores, grpc_task, seed, start_cores
from bench.stores import Store, hot_balance_proof, sqlite_store
from devstack.databases import dsn
from devstack.health import all_logged, wait_grpc
from devstack.ports import free_port
from devstack.processes import Server, ServerFailed
from devstack.wallet import start_gateway

BET_PATH = "/aigame/v1/wallet/bet"  # AIGame's paths (the provider's documentation), not the gateway's code
PAYOUT_PATH = "/aigame/v1/wallet/payout"


def _share(total: int, rounds: int) -> int:
    return max(1, total // rounds)


def _driver_task(
    bench: Bench, name: str, variant: str, c: int, requests: int, warmup: int, seconds: float
) -> dict[str, Any]:
    return {
        "kind": "driver",
        "name": name,
        "variant": variant,
        "dsn": dsn(bench.store.url),
        "players": bench.plan.players,
        "concurrency": c,
        "connections": min(c, bench.plan.driver_pool),
        "requests": requests,
        "warmup": warmup,
        "pool_size": bench.plan.driver_pool,
        "max_seconds": seconds,
    }


async def baselines_and_core(bench: Bench, cores: Cores) -> None:
    """Sections 1 and 5: at each concurrency, the echo baseline, the driver baseline and core Debit,
    interleaved in rounds, so that a change in the machine's other load falls on all three alike;
    then, at the highest concurrency, the grpc.aio generator and two more driver variants."""
    plan, store = bench.plan, bench.store
    echo_port = free_port()
    echo: list[Server] = []  # as many processes as the core has, so that the ratio compares like with like
    try:
        for i in range(len(cores.servers)):
            echo.append(await start_echo(echo_port, bench.workdir, i))
        await wait_grpc(echo, echo_port)
        await all_logged(echo, "echo listening", "see its log")  # with SO_REUSEPORT a health check reaches one
        for c in plan.concurrencies:
            parts: dict[str, list[Row]] = {}
            requests, seconds = _share(plan.requests_at(c), plan.rounds), plan.case_seconds / plan.rounds
            for r in range(plan.rounds):
                warmup = plan.warmup_at(c) if r == 0 else 0
                echo_task = grpc_task(
                    f"echo-c{c}-r{r}",
                    f"127.0.0.1:{echo_port}",
                    concurrency=c,
                    requests=requests,
                    warmup=warmup,
                    connections=plan.connections,
                    players=plan.players,
                    path=ECHO_PATH,
                    max_seconds=seconds,
                )
                row, _ = await bench.run(
                    echo_task, section="echo", label="gRPC echo (baseline)", store="-", servers=echo, db_pids=None
                )
                parts.setdefault("echo", []).append(row)
                if store.kind == "postgresql":
                    task = _driver_task(bench, f"driver-c{c}-r{r}", "3-statements", c, requests, warmup, seconds)
                    row, _ = await bench.run(
                        task,
                        section="driver-3-statements",
                        label="asyncpg debit, 3 statements",
                        store=store.kind,
                        servers=[],
                        db_pids=bench.db_pids(store),
                    )
                    parts.setdefault("driver", []).append(row)
                task = grpc_task(
                    f"core-c{c}-r{r}",
                    cores.address,
                    concurrency=c,
                    requests=requests,
                    warmup=warmup,
                    connections=plan.connections,
                    players=plan.players,
                    max_seconds=seconds,
                )
                row, _ = await bench.run(
                    task,
                    section="core",
                    label=f"core Debit, {store.kind}",
                    store=store.kind,
                    servers=cores.servers,
                    db_pids=bench.db_pids(store),
                )
                parts.setdefault("core", []).append(row)
            for kind, rows in parts.items():
                merged = merge(rows)
                if kind == "core":
                    await _check_stored(bench, store, merged, [f"core-c{c}-r{r}" for r in range(plan.rounds)])
                bench.rows.append(merged)
        if store.kind != "postgresql":
            bench.skip("driver", "needs PostgreSQL (the --quick run is SQLite only)")
        await _extras(bench, echo, echo_port)
    finally:
        await asyncio.gather(*(server.stop() for server in echo))


async def _extras(bench: Bench, echo: list[Server], echo_port: int) -> None:
    plan, c = bench.plan, max(bench.plan.concurrencies)
    requests, seconds = plan.requests_at(c), plan.case_seconds
    if plan.grpcio_comparison:
        task = grpc_task(
            f"echo-grpcio-c{c}",
            f"127.0.0.1:{echo_port}",
            concurrency=c,
            requests=requests,
            warmup=plan.warmup_at(c),
            connections=plan.connections,
            players=plan.players,
            path=ECHO_PATH,
            client="grpcio",
            max_seconds=seconds,
        )
        row, _ = await bench.run(
            task, section="echo-grpcio", label="gRPC echo, grpc.aio generator", store="-", servers=echo, db_pids=None
        )
        bench.rows.append(row)
    if bench.store.kind == "postgresql":
        for variant in ("core-statements", "1-statement", "group-commit"):
            task = _driver_task(bench, f"driver-{variant}-c{c}", variant, c, requests, plan.warmup_at(c), seconds)
            row, _ = await bench.run(
                task,
                section=f"driver-{variant}",
                label=f"asyncpg debit, {variant}",
                store="postgresql",
                servers=[],
                db_pids=bench.db_pids(bench.store),
            )
            bench.rows.append(row)


async def _check_stored(bench: Bench, store: Store, row: Row, cases: list[str]) -> None:
    """The ledger holds exactly the debits of these cases that were answered OK."""
    row.notes["stored"] = await store.outcomes(payloads.PROVIDER, cases)
    if row.notes["stored"].get("completed", 0) != row.ok:
        bench.problems.append(
            f"{', '.join(cases)}: {row.ok} debits answered OK, the ledger holds {row.notes['stored']}"
        )


def hot_player_balance(bench: Bench) -> int:
    """In minor units: covers `hot_covered` of the hot debits, so that the rest must be refused."""
    return int(bench.plan.hot_requests * bench.plan.hot_covered) * payloads.AMOUNT_MINOR


async def hot_balance(bench: Bench, cores: Cores) -> None:
    """Section 2: concurrent debits on one player whose balance runs out: never below zero."""
    plan, store = bench.plan, bench.store
    task = grpc_task(
        "hot",
        cores.address,
        concurrency=plan.hot_concurrency,
        requests=plan.hot_requests,
        warmup=0,
        connections=plan.connections,
        players=plan.players,
        player=payloads.HOT_PLAYER,
        keep_responses=True,
        max_seconds=plan.hot_seconds,
    )
    row, extra = await bench.run(
        task,
        section="hot",
        label="hot balance, one player",
        store=store.kind,
        servers=cores.servers,
        db_pids=bench.db_pids(store),
    )
    answers = extra["balances_after"]
    proof = await hot_balance_proof(store, payloads.HOT_PLAYER, hot_player_balance(bench), payloads.AMOUNT_MINOR)
    proof["answers_lowest_balance_after"] = answers["lowest"]
    proof["answers_below_zero"] = answers["negative"]
    proof["no_overdraft"] = bool(proof["no_overdraft"] and answers["negative"] == 0 and row.ok == proof["debits_taken"])
    row.notes["no_overdraft"] = proof["no_overdraft"]
    bench.facts["hot_balance"] = proof
    if not proof["no_overdraft"]:
        bench.problems.append(f"hot balance: overdraft or miscount: {proof}")
    bench.rows.append(row)


def gateway_unavailable() -> str | None:
    try:
        module = importlib.import_module("gateways.aigame")
    except Exception as error:  # any import failure means the same: not there yet
        return f"gateways.aigame does not import ({type(error).__name__}: {error})"
    missing = [name for name in ("Settings", "create_app") if not hasattr(module, name)]
    return f"gateways.aigame has no {', '.join(missing)}" if missing else None


async def gateway_end_to_end(bench: Bench, cores: Cores) -> None:
    """Section 3: signed AIGame bets and payouts over HTTP -> gateway -> core -> store. On PostgreSQL
    the gateway reaches `plan.core_processes` cores on ports of their own (`cores`, which share one
    port, are stopped first: a gateway's one connection would reach only one of them), and each row
    says how the calls split between them."""
    reason = gateway_unavailable()
    if reason:
        bench.skip("gateway", f"gateway not available: {reason}")
        return
    plan, store, port = bench.plan, bench.store, free_port()
    replicas = None
    if store.kind == "postgresql":
        await cores.stop()
        replicas = await start_replicas(bench, store, "core-e2e")
    core_ports = replicas.ports if replicas else [cores.port]
    config = configs.write_gateway_config(bench.workdir / "gateway.toml", port, core_ports)
    try:
        gateway = await start_gateway(
            "aigame", config, port, bench.workdir / "gateway.log", log_level=plan.log_level, server_name="gateway"
        )
    except ServerFailed as error:
        bench.skip("gateway", f"gateway not available: {error}")
        if replicas:
            await replicas.stop()
        return
    try:
        for c in plan.gateway_concurrencies:
            task = {
                "kind": "aigame",
                "name": f"gw-c{c}",
                "address": f"127.0.0.1:{port}",
                "bet_path": BET_PATH,
                "payout_path": PAYOUT_PATH,
                "players": plan.players,
                "concurrency": c,
                "requests": plan.gateway_requests[c],
                "warmup": min(plan.warmup_at(c), plan.gateway_requests[c]),
                "max_seconds": plan.case_seconds,
            }
            before = await replicas.calls() if replicas else []
            row, _ = await bench.run(
                task,
                section="gateway",
                label=f"AIGame bet+payout, HTTP, {store.kind}",
                store=store.kind,
                servers=[gateway, *(replicas.servers if replicas else cores.servers)],
                db_pids=bench.db_pids(store),
            )
            if replicas:
                row.notes["core_calls_split"] = split(before, await replicas.calls())
                bench.say(f"gw-c{c}: core calls split {' / '.join(map(str, row.notes['core_calls_split']))}")
            row.notes["stored"] = await store.outcomes("aigame", [f"gw-c{c}"])
            bench.rows.append(row)
    finally:
        await gateway.stop()
        if replicas:
            await replicas.stop()


async def embedded(bench: Bench) -> None:
    """Section 4: core Debit on SQLite (its own file, its own core process)."""
    plan = bench.plan
    store = await sqlite_store(bench.workdir / "embedded.db")
    cores = await start_cores(bench, store, "core-sqlite")
    debits = 0
    try:
        await seed(bench, store, 0)
        before = await store.size_bytes()
        for c in plan.sqlite_concurrencies:
            name = f"sqlite-c{c}"
            task = grpc_task(
                name,
                cores.address,
                concurrency=c,
                requests=plan.sqlite_requests[c],
                warmup=plan.warmup_at(c),
                connections=plan.connections,
                players=plan.players,
                max_seconds=plan.case_seconds,
            )
            row, _ = await bench.run(
                task, section="sqlite", label="core Debit, sqlite", store="sqlite", servers=cores.servers, db_pids=None
            )
            await _check_stored(bench, store, row, [name])
            bench.rows.append(row)
            debits += row.requests + plan.warmup_at(c)
    finally:
        await cores.stop()
    after = await store.size_bytes()
    bench.facts["sqlite_bytes_per_transaction"] = round((after["file"] - before["file"]) / max(debits, 1), 1)
    bench.facts.setdefault("ledger_checks", {})["sqlite"] = await store.verify()
