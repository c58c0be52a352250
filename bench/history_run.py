"""The "years of history" section of `python -m bench --history N` (docs/performance.md).

Before the players are seeded, the run's ledger is filled with N transactions (`bench.history`),
its size measured before and after (bytes per transaction) and `wallet verify` (balances and every
chain) timed on it. Then, with the players seeded: core Debit against an empty ledger (a second
database with its own cores, seeded alike) and against the filled one, in alternating rounds so
that the machine's other load falls on both alike; a replay of debits months old; `wallet report`
for one day of the history.
"""

from __future__ import annotations

import base64
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bench import configs, history, payloads
from bench.control import DbPids
from bench.rows import Row, merge
from bench.runtime import Bench, Cores, grpc_task, seed, start_cores
from bench.sections import hot_player_balance
from bench.stores import PostgresServer, Store
from bench.targets import MET, NOT_MEASURED, NOT_MET, Target
from devstack.databases import dsn
from wallet.v1 import wallet_pb2 as pb
from wallet_core.report import build_report
from wallet_core.store.database import create_engine
from wallet_core.verify import find_mismatches, walk_chains

MONTHS_OLD = timedelta(days=30)  # a replay of a debit at least this old
REPLAY_CONCURRENCIES = (4, 1)
"""A provider's retries trickle in: one at a time is the path's own latency. At 4 in flight, sent as
fast as they are answered, the replays keep this machine's two cores busy: the p99 is then also the
wait for a core. The target is checked on both."""


async def fill(bench: Bench, store: Store) -> history.Filled:
    """The history in the run's ledger (before the players are seeded), with its bytes and verify."""
    shape = history.Shape.of(bench.plan.history)
    bench.say(f"history: filling {shape.transactions:,} transactions on {shape.players:,} players")
    before = await store.size_bytes()
    filled = await history.fill(dsn(store.url), shape, bench.say)
    after = await store.size_bytes()
    growth = {table: after[table] - before.get(table, 0) for table in after}
    bench.say(f"history: {filled.transactions:,} transactions in {filled.seconds:.0f} s (COPY, VACUUM ANALYZE)")
    verify = await _verify(store)
    bench.say(
        f"history: wallet verify {verify['seconds']:.1f} s, {verify['accounts']:,} accounts, "
        f"{verify['mismatches']} mismatches, {verify['broken_chains']} broken chains"
    )
    if verify["mismatches"] or verify["broken_chains"]:
        bench.problems.append(f"wallet verify on the filled history: {verify}")
    bench.facts["history"] = {
        "fill": filled.as_json(),
        "bytes_per_transaction": round(sum(growth.values()) / max(filled.transactions, 1), 1),
        "bytes_per_transaction_by_table": {
            t: round(b / max(filled.transactions, 1), 1) for t, b in growth.items() if b
        },
        "wallet_verify": verify,
    }
    return filled


async def _verify(store: Store) -> dict[str, Any]:
    """`wallet verify` as the command runs it: the balances, then every chain."""
    engine = create_engine(store.url)
    try:
        started = time.monotonic()
        checked, mismatches = await find_mismatches(engine)
        walks = await walk_chains(engine)
        seconds = time.monotonic() - started
    finally:
        await engine.dispose()
    broken = sum(1 for walk in walks if walk.broken is not None)
    return {"seconds": round(seconds, 2), "accounts": checked, "mismatches": len(mismatches), "broken_chains": broken}


async def measure(bench: Bench, cores: Cores, filled: history.Filled) -> None:
    """Empty against filled (Debit, then replays), the report; the players seeded on the filled ledger."""
    assert bench.postgres is not None, "the history runs on PostgreSQL"
    empty_server = PostgresServer(bench.postgres.admin_url)
    empty_store = await empty_server.create()
    empty_cores = await start_cores(bench, empty_store, "core-empty")
    try:
        await seed(bench, empty_store, hot_player_balance(bench))
        empty = Ledger("empty", empty_store, empty_cores, empty_server.backend_pids)
        full = Ledger("filled", bench.store, cores, bench.db_pids(bench.store))
        await _debits(bench, empty, full)
        for concurrency in REPLAY_CONCURRENCIES:
            await _replays(bench, empty, full, filled, concurrency)
    finally:
        await empty_cores.stop()
        await empty_server.drop()
    await _report(bench, filled)


@dataclass(frozen=True)
class Ledger:
    which: str  # "empty" or "filled"
    store: Store
    cores: Cores
    pids: DbPids | None


async def _alternate(
    bench: Bench,
    section: str,
    label: dict[str, str],
    tasks: dict[str, list[dict[str, Any]]],
    ledgers: tuple[Ledger, Ledger],
) -> None:
    """The rounds of each ledger's tasks in turn (empty, filled, empty...): one merged row each."""
    parts: dict[str, list[Row]] = {ledger.which: [] for ledger in ledgers}
    for r in range(max(len(t) for t in tasks.values())):
        for ledger in ledgers:
            if r >= len(tasks[ledger.which]):
                continue
            row, _ = await bench.run(
                tasks[ledger.which][r],
                section=f"{section}-{ledger.which}",
                label=label[ledger.which],
                store="postgresql",
                servers=ledger.cores.servers,
                db_pids=ledger.pids,
            )
            parts[ledger.which].append(row)
    for which, rows in parts.items():
        merged = merge(rows)
        if merged.failed:
            bench.problems.append(f"{section}-{which}: {merged.failed} of {merged.requests} failed: {merged.errors}")
        bench.rows.append(merged)


async def _debits(bench: Bench, empty: Ledger, full: Ledger) -> None:
    plan = bench.plan
    c = max(plan.concurrencies)
    requests, seconds = max(1, plan.requests_at(c) // plan.rounds), plan.case_seconds / plan.rounds
    tasks = {
        ledger.which: [
            grpc_task(
                f"hist-{ledger.which}-c{c}-r{r}",
                ledger.cores.address,
                concurrency=c,
                requests=requests,
                warmup=plan.warmup_at(c) if r == 0 else 0,
                connections=plan.connections,
                players=plan.players,
                max_seconds=seconds,
            )
            for r in range(plan.rounds)
        ]
        for ledger in (empty, full)
    }
    labels = {"empty": "core Debit, empty ledger", "filled": f"core Debit, {plan.history:,} history"}
    await _alternate(bench, "history", labels, tasks, (empty, full))


def _debit_message(provider: str, transaction_id: str, player: str, amount: str) -> str:
    request = pb.DebitRequest(
        provider=provider, transaction_id=transaction_id, player_id=player, currency=history.CURRENCY, amount=amount
    )
    return base64.b64encode(request.SerializeToString()).decode()


def _months_old(filled: history.Filled) -> list[str]:
    now = datetime.now(UTC)
    old = [d for d in filled.old_debits if now - d.created_at >= MONTHS_OLD] or filled.old_debits
    random.Random(24).shuffle(old)  # the history's pages in no order: as a provider's retries reach them
    return [_debit_message(d.provider, d.transaction_id, d.player_id, d.amount) for d in old]


async def _recent(store: Store, count: int) -> list[str]:
    """Debits the empty ledger took minutes ago (the Debit rounds'), in no order."""
    rows = await store.query(
        "SELECT transaction_id, player_id, amount FROM transactions WHERE provider = :p AND kind = 'debit' "
        "AND status = 'completed' ORDER BY random() LIMIT :n",
        p=payloads.PROVIDER,
        n=count,
    )
    return [_debit_message(payloads.PROVIDER, t, player, history.amount_text(int(a))) for t, player, a in rows]


async def _replays(bench: Bench, empty: Ledger, full: Ledger, filled: history.Filled, concurrency: int) -> None:
    """Debits sent again, each answered from its stored row: months old on the filled ledger, minutes
    old on the empty one (the same path: what the history's size adds), in alternating rounds,
    ``concurrency`` in flight."""
    old = _months_old(filled)
    messages = {"filled": old, "empty": await _recent(empty.store, len(old))}
    tokens = {"filled": configs.HISTORY_TOKEN, "empty": configs.BENCH_TOKEN}
    rounds = 2
    tasks: dict[str, list[dict[str, Any]]] = {}
    for which, given in messages.items():
        share = max(1, len(given) // rounds)
        tasks[which] = []
        for r in range(rounds):
            part = given[r * share : (r + 1) * share]
            task = grpc_task(
                f"hist-replay-{which}-c{concurrency}-r{r}",
                (empty if which == "empty" else full).cores.address,
                concurrency=concurrency,
                requests=len(part),
                warmup=0,
                connections=concurrency,
                players=bench.plan.players,
                token=tokens[which],
                max_seconds=bench.plan.case_seconds,
            )
            task["messages"] = part
            tasks[which].append(task)
    labels = {"empty": "replay of a minutes-old Debit, empty ledger", "filled": "replay of a months-old Debit"}
    labels = {which: f"{label}, {_in_flight(concurrency)}" for which, label in labels.items()}
    await _alternate(bench, _replay_section(concurrency), labels, tasks, (empty, full))


def _replay_section(concurrency: int) -> str:
    return "history-replay" if concurrency == REPLAY_CONCURRENCIES[0] else f"history-replay-c{concurrency}"


def _in_flight(concurrency: int) -> str:
    return "one at a time" if concurrency == 1 else f"{concurrency} in flight"


async def _report(bench: Bench, filled: history.Filled) -> None:
    """`wallet report` for one day in the middle of the history: cold (first), then warm."""
    assert filled.first_at is not None and filled.last_at is not None
    middle = filled.first_at + (filled.last_at - filled.first_at) / 2
    since = middle.replace(hour=0, minute=0, second=0, microsecond=0)
    until = since + timedelta(days=1)
    engine = create_engine(bench.store.url)
    timings = []
    try:
        for _ in range(2):
            started = time.monotonic()
            found = await build_report(engine, since=since, until=until)
            timings.append(round(time.monotonic() - started, 3))
    finally:
        await engine.dispose()
    bets = sum(p.figures.bet_count for p in found.providers)
    bench.facts.setdefault("history", {})["wallet_report_one_day"] = {
        "since": since.isoformat(),
        "bets": bets,
        "rounds": len(found.rounds),
        "seconds_cold": timings[0],
        "seconds_warm": timings[1],
    }
    bench.say(f"history: wallet report for {since.date()}: {bets:,} bets, {timings[0]} s cold, {timings[1]} s warm")


def targets(rows: list[Row], facts: dict[str, Any]) -> list[Target]:
    """The issue's history targets: rate >= 0.9 x and p99 <= 1.2 x of the empty ledger's, replay p99."""
    if "history" not in facts:
        return []
    found = {row.section: row for row in rows if row.section.startswith("history-")}
    empty, filled = found.get("history-empty"), found.get("history-filled")
    out = []
    if empty and filled and empty.rps and empty.latency["p99_ms"]:
        rate, p99 = filled.rps / empty.rps, filled.latency["p99_ms"] / empty.latency["p99_ms"]
        out += [
            Target("core Debit rate, filled / empty ledger", ">= 0.90", f"{rate:.2f}", MET if rate >= 0.9 else NOT_MET),
            Target("core Debit p99, filled / empty ledger", "<= 1.20", f"{p99:.2f}", MET if p99 <= 1.2 else NOT_MET),
        ]
    else:
        out.append(Target("core Debit, filled / empty ledger", ">= 0.90, <= 1.20", "not run", NOT_MEASURED))
    for concurrency in REPLAY_CONCURRENCIES:
        replay = found.get(f"{_replay_section(concurrency)}-filled")
        if replay:
            p99 = replay.latency["p99_ms"]
            name = f"replay of a months-old Debit, {_in_flight(concurrency)}: p99"
            out.append(Target(name, "<= 5 ms", f"{p99:.2f} ms", MET if p99 <= 5 else NOT_MET))
    return out


def report_lines(results: dict[str, Any]) -> list[str]:
    """The history's facts in the printed report."""
    facts = results.get("history")
    if not facts:
        return []
    fill, verify = facts["fill"], facts["wallet_verify"]
    lines = [
        "",
        f"history: {fill['transactions']:,} transactions ({fill['bets']:,} bets, {fill['entries']:,} entries, "
        f"{fill['accounts']:,} accounts) from {fill['first_at']} to {fill['last_at']}, filled in {fill['fill_s']} s",
        f"history: {facts['bytes_per_transaction']:,} bytes per transaction ("
        + ", ".join(f"{t} {b:,}" for t, b in facts["bytes_per_transaction_by_table"].items())
        + ")",
        f"history: wallet verify {verify['seconds']} s ({verify['accounts']:,} accounts, {verify['mismatches']} "
        f"mismatches, {verify['broken_chains']} broken chains)",
    ]
    day = facts.get("wallet_report_one_day")
    if day:
        lines.append(
            f"history: wallet report for one day ({day['since'][:10]}, {day['bets']:,} bets): "
            f"{day['seconds_cold']} s cold, {day['seconds_warm']} s warm"
        )
    return lines
