"""The events drills (docs/faults.md, "Events"): the relay SIGKILLed mid-batch and restarted, and
NATS (a nats-server of the drill's own, never the machine's) SIGKILLed and restarted, each under the
provider simulator's load. After each, once the load drained and the relay caught up: every
committed transaction is in the stream once (events lost 0, duplicated 0), each account's in
commit order, and the money audit holds as in the other drills."""

from __future__ import annotations

import asyncio
import shutil
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import nats
from nats.js.errors import NotFoundError

from devstack.ports import free_port
from devstack.processes import Server, spawn
from devstack.wallet import wallet_args
from faults.audit import Audit
from faults.drills import Injection
from faults.environment import Env, environment
from faults.plan import Plan
from faults.run import Say, check
from faults.verify import Verified
from wallet.v1 import events_pb2
from wallet.v1 import wallet_pb2 as pb

CATCH_UP_SECONDS = 60.0
NATS_DOWN_SECONDS = 2.0
NATS_SERVER = shutil.which("nats-server") or "/usr/sbin/nats-server"


def nats_server_installed() -> bool:
    return Path(NATS_SERVER).exists()


@dataclass
class NatsServer:
    """The drill's own nats-server with JetStream in ``store``: killed and started again on one port."""

    port: int
    store: Path
    log: Path
    process: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    async def start(self) -> None:
        with self.log.open("ab") as sink:
            self.process = await asyncio.create_subprocess_exec(
                NATS_SERVER,
                "-js",
                "-a",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-sd",
                str(self.store),
                stdout=sink,
                stderr=sink,
            )
        for _ in range(200):
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.close()
                return
            except OSError:
                await asyncio.sleep(0.05)
        raise RuntimeError(f"nats-server did not start on {self.url}: see {self.log}")

    async def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            await self.process.wait()
            self.process = None


@dataclass
class EventsAudit:
    committed: int = 0
    in_stream: int = 0
    lost: int = 0
    duplicated: int = 0
    out_of_order: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass
class EventsPhase:
    store: str
    drill: str
    injection: Injection
    events: EventsAudit
    money: Audit
    verified: Verified

    @property
    def problems(self) -> list[str]:
        return [*self.injection.problems, *self.events.problems, *self.money.all_problems] + (
            [] if self.verified.ok else [f"wallet verify: {self.verified}"]
        )


@dataclass
class EventsWorld:
    env: Env
    nats: NatsServer
    stream: str
    relay_log: Path
    relay: Server | None = None

    async def start_relay(self) -> None:
        self.relay = await spawn(
            "relay", wallet_args("relay", "--config", str(self.env.config), "--log-level", "WARNING"), self.relay_log
        )

    async def stream_keys(self) -> list[tuple[tuple[str, str, str], events_pb2.TransactionEvent]]:
        nc = await nats.connect(self.nats.url)
        try:
            js = nc.jetstream()
            try:
                info = await js.stream_info(self.stream)
            except NotFoundError:  # the relay has not created it yet
                return []
            found: list[tuple[tuple[str, str, str], events_pb2.TransactionEvent]] = []
            if not info.state.messages:
                return found
            for sequence in range(info.state.first_seq, info.state.last_seq + 1):
                message = await js.get_msg(self.stream, sequence)
                assert message.data is not None
                event = events_pb2.TransactionEvent.FromString(message.data)
                tx = event.transaction
                kind = pb.TransactionKind.Name(tx.kind).rsplit("_", 1)[-1].lower()
                found.append(((tx.provider, kind, tx.transaction_id), event))
            return found
        finally:
            await nc.close()


async def kill_relay(world: EventsWorld) -> Injection:
    """SIGKILL the relay while it publishes, then start another (it takes over once the lease ends)."""
    before = len(await world.stream_keys())
    for _ in range(100):  # wait until it is at work
        if len(await world.stream_keys()) > before:
            break
        await asyncio.sleep(0.05)
    assert world.relay is not None
    await world.relay.kill()
    await asyncio.sleep(world.env.plan.retry_seconds)
    await world.start_relay()
    return Injection(1, ["relay SIGKILLed while publishing, another started"])


async def restart_nats(world: EventsWorld) -> Injection:
    await world.nats.kill()
    await asyncio.sleep(NATS_DOWN_SECONDS)
    await world.nats.start()
    return Injection(1, [f"NATS down {NATS_DOWN_SECONDS:.0f} s"])


DRILLS: list[tuple[str, Callable[[EventsWorld], Awaitable[Injection]]]] = [
    ("relay SIGKILL + restart", kill_relay),
    ("NATS SIGKILL + restart", restart_nats),
]


async def audit_events(world: EventsWorld, committed: set[tuple[str, str, str]]) -> EventsAudit:
    """Waits for the relay to catch up (every committed transaction in the stream), then counts."""
    deadline = time.monotonic() + CATCH_UP_SECONDS
    while True:
        found = await world.stream_keys()
        keys = [key for key, _ in found]
        if committed <= set(keys) or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.2)
    result = EventsAudit(committed=len(committed), in_stream=len(keys))
    result.lost = len(committed - set(keys))
    result.duplicated = len(keys) - len(set(keys))
    last: dict[str, int] = {}
    for _, event in found:
        account = f"{event.transaction.player_id}/{event.transaction.currency}"
        if event.sequence < last.get(account, 0):
            result.out_of_order += 1
        last[account] = event.sequence
    if result.lost:
        result.problems.append(f"{result.lost} events lost (not in the stream after {CATCH_UP_SECONDS:.0f} s)")
    if result.duplicated:
        result.problems.append(f"{result.duplicated} events in the stream twice")
    if result.out_of_order:
        result.problems.append(f"{result.out_of_order} events out of their account's order")
    return result


async def run_events(plan: Plan, server_url: str, workdir: Path, say: Say) -> list[EventsPhase]:
    if not nats_server_installed():
        raise RuntimeError(f"the events drills need nats-server (apt-get install nats-server); none at {NATS_SERVER}")
    phases: list[EventsPhase] = []
    for kind in plan.stores:
        where = workdir / kind
        where.mkdir(parents=True, exist_ok=True)
        server = NatsServer(free_port(), where / "jetstream", where / "nats.log")
        await server.start()
        tag = uuid.uuid4().hex[:8]
        stream = (server.url, f"FAULTS_{tag}", f"faults_{tag}.transactions")
        try:
            async with environment(kind, plan, server_url, where, relay_stream=stream) as env:
                world = EventsWorld(env, server, stream[1], where / "relay.log")
                await world.start_relay()
                try:
                    for name, inject in DRILLS:
                        env.sim.start(name)
                        await asyncio.sleep(plan.load_seconds)
                        injection = await inject(world)
                        await asyncio.sleep(plan.load_seconds)
                        await env.sim.drain()
                        money, verified = await check(env, name)
                        view = await env.admin.read(env.players)
                        committed = {key for key, row in view.rows.items() if row.status != "failed"}
                        events = await audit_events(world, committed)
                        phase = EventsPhase(kind, name, injection, events, money, verified)
                        phases.append(phase)
                        say(
                            f"{kind}: {name}: {events.committed} committed, {events.in_stream} in the stream, "
                            f"{'clean' if not phase.problems else 'PROBLEMS'}"
                        )
                finally:
                    if world.relay is not None:
                        await world.relay.stop()
        finally:
            await server.kill()
    return phases
