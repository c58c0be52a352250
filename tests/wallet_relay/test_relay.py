"""The relay against a real NATS JetStream: every committed transaction arrives in the stream
exactly once, one account's in commit order, with two relays sharing the work, after a relay is
SIGKILLed mid-batch and restarted, and after NATS itself is stopped and started under load (a
nats-server of the test's own: the machine's is never stopped). Each test has its own stream and
subjects."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from gateways.kit.core_connection import CoreConnection
from tests.support.core import RELAY_TOKEN, CoreHandle
from tests.support.nats import delete_stream, machine_nats, own_nats, stream_events, unique_names
from tests.wallet_core.helpers import credit, debit, rollback, rows
from wallet.v1 import events_pb2
from wallet_core.outbox import Outbox
from wallet_core.store.database import create_engine
from wallet_core.store.schema import transactions
from wallet_relay.relay import Relay
from wallet_relay.settings import RelaySettings

ROOT = Path(__file__).resolve().parents[2]


def relay_settings(core: CoreHandle, url: str, stream: str, prefix: str, name: str, **more: float) -> RelaySettings:
    return RelaySettings(
        core=CoreConnection(address=core.address, token=RELAY_TOKEN),
        nats_url=url,
        stream=stream,
        subject_prefix=prefix,
        name=name,
        idle_seconds=0.05,
        **more,  # type: ignore[arg-type]
    )


@pytest.fixture
async def stream_names() -> AsyncIterator[tuple[str, str]]:
    yield unique_names()


async def committed(core: CoreHandle) -> list[int]:
    """The wallet ids of the committed transactions: what must be in the stream, once each."""
    found = await rows(core, select(transactions.c.id).where(transactions.c.status != "failed"))
    return sorted(r["id"] for r in found)


async def backlog(core: CoreHandle) -> int:
    engine = create_engine(core.database_url, pool_size=1)
    try:
        return (await Outbox(engine).measure_backlog())[0]
    finally:
        await engine.dispose()


async def wait_until(condition: Callable[[], object], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await condition():  # type: ignore[misc]
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


async def drained(core: CoreHandle) -> bool:
    return await backlog(core) == 0


async def play(core: CoreHandle, players: list[str], rounds: int, pause: float = 0.0) -> None:
    """Bets, wins and cancels on every player's account at once."""
    for n in range(rounds):
        await asyncio.gather(*(debit(core, f"b{p}-{n}", p, "1") for p in players))
        await asyncio.gather(*(credit(core, f"w{p}-{n}", p, "1.50", ref=f"b{p}-{n}") for p in players[::2]))
        await asyncio.gather(*(rollback(core, f"c{p}-{n}", p, f"b{p}-{n}") for p in players[1::2]))
        if pause:
            await asyncio.sleep(pause)


async def assert_exactly_once_in_order(core: CoreHandle, url: str, stream: str, prefix: str) -> None:
    published = await stream_events(url, stream)
    ids = [event.transaction.wallet_transaction_id for _, _, event in published]
    assert len(ids) == len(set(ids)), "an event is in the stream twice"
    assert sorted(ids) == await committed(core), "an event is missing from the stream"
    for subject, msg_id, event in published:
        assert msg_id == str(event.transaction.wallet_transaction_id)
        assert subject.startswith(f"{prefix}.tests.")
    by_account: dict[tuple[str, str], list[events_pb2.TransactionEvent]] = {}
    for _, _, event in published:
        by_account.setdefault((event.transaction.player_id, event.transaction.currency), []).append(event)
    for events in by_account.values():
        sequences = [e.sequence for e in events]
        assert sequences == sorted(sequences), "an account's events out of commit order"


async def open_players(core: CoreHandle, count: int) -> list[str]:
    players = [f"p{n}" for n in range(count)]
    await asyncio.gather(*(core.open_account(p, "USD", "1000") for p in players))
    return players


async def test_two_relays_share_the_work_and_publish_every_event_once_in_order(
    core: CoreHandle, stream_names: tuple[str, str]
) -> None:
    url = machine_nats()
    stream, prefix = stream_names
    players = await open_players(core, 8)
    stop = asyncio.Event()
    relays = [Relay(relay_settings(core, url, stream, prefix, f"relay-{n}", max_events=20)) for n in range(2)]
    running = [asyncio.create_task(r.run(stop)) for r in relays]
    try:
        await play(core, players, 10)
        await wait_until(lambda: drained(core))
    finally:
        stop.set()
        await asyncio.gather(*running)
    try:
        await assert_exactly_once_in_order(core, url, stream, prefix)
        assert all(r.published > 0 for r in relays), [r.published for r in relays]
    finally:
        await delete_stream(url, stream)


def relay_process(config: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "wallet_cli", "relay", "--config", str(config), "--log-level", "WARNING"],
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def relay_config(path: Path, core: CoreHandle, url: str, stream: str, prefix: str, name: str) -> Path:
    path.write_text(
        f'[relay]\nnats_url = "{url}"\nstream = "{stream}"\nsubject_prefix = "{prefix}"\nname = "{name}"\n'
        "max_events = 5\nlease_seconds = 2\nduplicate_window_seconds = 60\nidle_seconds = 0.05\n\n"
        f'[relay.core]\naddress = "{core.address}"\ntoken = "{RELAY_TOKEN}"\n'
    )
    return path


async def test_a_relay_killed_mid_batch_loses_and_duplicates_nothing_once_another_takes_over(
    core: CoreHandle, stream_names: tuple[str, str], tmp_path: Path
) -> None:
    url = machine_nats()
    stream, prefix = stream_names
    players = await open_players(core, 6)
    await play(core, players, 25)  # a backlog of ~250 events before any relay runs
    total = len(await committed(core))
    killed = relay_process(relay_config(tmp_path / "killed.toml", core, url, stream, prefix, "killed"))
    try:

        async def some_published() -> bool:
            return await backlog(core) <= total - 30

        await wait_until(some_published)
        killed.send_signal(signal.SIGKILL)
        await asyncio.to_thread(killed.wait)
        assert await backlog(core) > 0, "the relay finished before it was killed: nothing was cut"
        await play(core, players[:2], 3)  # more while no relay runs
        taker = relay_process(relay_config(tmp_path / "taker.toml", core, url, stream, prefix, "taker"))
        try:
            await wait_until(lambda: drained(core))
        finally:
            taker.terminate()  # the core serves from this loop: wait in a thread
            assert await asyncio.to_thread(taker.wait, 20) == 0
        await assert_exactly_once_in_order(core, url, stream, prefix)
    finally:
        killed.kill()
        await delete_stream(url, stream)


async def test_while_nats_is_down_the_backlog_grows_and_drains_when_it_is_back(
    core: CoreHandle, stream_names: tuple[str, str], tmp_path: Path
) -> None:
    stream, prefix = stream_names
    with own_nats(tmp_path) as nats_server:
        await nats_server.ready()
        players = await open_players(core, 6)
        stop = asyncio.Event()
        settings = relay_settings(
            core, nats_server.url, stream, prefix, "relay", max_events=20, publish_timeout_seconds=0.5
        )
        relay = Relay(settings)
        running = asyncio.create_task(relay.run(stop))
        try:
            load = asyncio.create_task(play(core, players, 30, pause=0.05))
            await wait_until(lambda: asyncio.sleep(0, relay.published > 20))
            nats_server.kill()  # under load
            await asyncio.sleep(1.0)
            waiting = await backlog(core)
            await asyncio.sleep(1.0)
            assert await backlog(core) > waiting > 0, "the backlog does not grow while NATS is down"
            nats_server.start()
            await nats_server.ready()
            await load
            await wait_until(lambda: drained(core))
        finally:
            stop.set()
            await running
        await assert_exactly_once_in_order(core, nats_server.url, stream, prefix)
