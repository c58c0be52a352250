"""One run's world: a fresh database, the configuration, the core and gateway processes, the players'
accounts (opened through the core's admin API), the simulator, and the harness's own clients; all
torn down, and the database dropped, however the run ends."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from devstack.databases import Database, drop_database
from faults import database
from faults.aigame import Aigame
from faults.cluster import Cluster
from faults.config import GATEWAYS, pick_ports, relay_section, write_stack_config
from faults.dialect import BetDialect
from faults.hrg import Hrg
from faults.operator import Operator
from faults.oplog import OperationLog
from faults.plan import Plan
from faults.replication import ReplicatedPair
from faults.simulator import Simulator
from faults.sud import Sud
from faults.truth import Admin
from faults.wire import new_client

OPENING_BALANCE = Decimal("100000.00")
"""Far above what any run can lose: a refused bet would be an error, not the players' bad luck."""


@dataclass
class Env:
    """Everything a drill acts on and a check reads."""

    plan: Plan
    store: Database
    server_url: str
    config: Path
    cluster: Cluster
    sim: Simulator
    admin: Admin
    players: list[str]
    pair: ReplicatedPair | None = None
    """The failover drill's primary and synchronous standby, which `server_url` names both of."""

    @property
    def label(self) -> str:
        """The store as the table names it."""
        return f"{self.store.kind} + sync standby" if self.pair else self.store.kind


def players(plan: Plan) -> dict[str, list[str]]:
    return {gateway: [f"fa-{gateway}-{i}" for i in range(plan.players_per_gateway)] for gateway in GATEWAYS}


def _directory(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


@asynccontextmanager
async def environment(
    kind: str,
    plan: Plan,
    server_url: str,
    workdir: Path,
    relay_stream: tuple[str, str, str] | None = None,
    pair: ReplicatedPair | None = None,
) -> AsyncIterator[Env]:
    """``relay_stream``: (NATS url, stream, subject prefix) of the events drills' relay ([relay] in the
    configuration; the drills start the relay themselves). ``pair``: the failover drill's primary and
    standby."""
    store = await database.fresh_store(kind, server_url, _directory(workdir))
    try:
        ports = pick_ports()
        relay = relay_section(ports.core, *relay_stream) if relay_stream else None
        config = write_stack_config(workdir / "wallet.toml", store.url, ports, relay)
        cluster = Cluster(config, ports, workdir, plan.log_level)
        address = ports.core_address
        admin, operator, client = Admin(address), Operator(address), new_client()
        try:
            await cluster.start()
            who = players(plan)
            everyone = [player for group in who.values() for player in group]
            await admin.open_accounts(everyone, OPENING_BALANCE)
            log = OperationLog(opening=dict.fromkeys(everyone, OPENING_BALANCE))
            bets: dict[str, BetDialect] = {
                "aigame": Aigame(client, ports.gateway_url("aigame")),
                "hrg": Hrg(client, ports.gateway_url("hrg")),
            }
            sim = Simulator(log, bets, Sud(client, ports.gateway_url("sud")), operator, who, plan)
            yield Env(plan, store, server_url, config, cluster, sim, admin, everyone, pair)
        finally:
            await client.aclose()
            await operator.close()
            await admin.close()
            await cluster.stop()
    finally:
        await drop_database(store, server_url)
