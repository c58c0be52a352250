"""`python -m bench.relay_rate`: the events relay's own rate (events/s) against the core's Debit rate,
measured in one run (docs/performance.md, "Events: the outbox's cost").

A core (in this process, `wallet_core.server`) over a fresh database answers DEBITS Debits from
CONCURRENCY callers at once: its Debit rate. Then one relay (`wallet_relay`, in this process too)
publishes the backlog they left to the machine's NATS (a stream of the run's own, deleted at the
end): its rate, from the first lease to an empty outbox. Both share this process and the machine,
so the figures are for comparing, not absolute.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import tempfile
import time
import uuid
from pathlib import Path

import grpc
import nats

from devstack.databases import POSTGRESQL, SQLITE, create_postgres_database, drop_database, sqlite_database
from gateways.kit.core_connection import CoreConnection
from wallet.v1 import wallet_pb2 as pb
from wallet.v1 import wallet_pb2_grpc
from wallet_core import server
from wallet_core.config import Client, ClientToken, CoreSettings
from wallet_core.outbox import Outbox
from wallet_core.store.database import create_engine
from wallet_core.tokens import token_sha256
from wallet_relay.relay import Relay
from wallet_relay.settings import RelaySettings

ADMIN, RELAY = "bench-admin-token-0123456789", "bench-relay-token-0123456789"
PLAYERS = 500
CONCURRENCY = 64


async def measure(store: str, postgres_url: str, nats_url: str, debits: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory(prefix="relay-rate-") as workdir:
        database = (
            await create_postgres_database(postgres_url, "wallet_relay_rate_")
            if store == POSTGRESQL
            else await sqlite_database(Path(workdir) / "wallet.db")
        )
        clients = (
            Client("admin", (ClientToken(token_sha256(ADMIN)),), frozenset({"*"}), admin=True),
            Client("relay", (ClientToken(token_sha256(RELAY)),), frozenset(), relay=True),
        )
        core = await server.start(
            CoreSettings(listen="127.0.0.1:0", database_url=database.url, currencies={"USD": 2}, clients=clients)
        )
        stream = f"BENCH_{uuid.uuid4().hex[:10]}"
        try:
            address = f"127.0.0.1:{core.port}"
            metadata = (("authorization", f"Bearer {ADMIN}"),)
            async with grpc.aio.insecure_channel(address) as channel:
                stub = wallet_pb2_grpc.WalletServiceStub(channel)
                for n in range(PLAYERS):
                    await stub.CreateAccount(
                        pb.CreateAccountRequest(player_id=f"p{n}", currency="USD", initial_balance="1000000"),
                        metadata=metadata,
                    )
                queue = list(range(debits))

                async def caller() -> None:
                    while queue:
                        n = queue.pop()
                        await stub.Debit(
                            pb.DebitRequest(
                                provider="bench",
                                transaction_id=f"d{n}",
                                player_id=f"p{n % PLAYERS}",
                                currency="USD",
                                amount="1.00",
                            ),
                            metadata=metadata,
                        )

                started = time.perf_counter()
                await asyncio.gather(*(caller() for _ in range(CONCURRENCY)))
                debit_rate = debits / (time.perf_counter() - started)
            settings = RelaySettings(
                core=CoreConnection(address=address, token=RELAY),
                nats_url=nats_url,
                stream=stream,
                subject_prefix=f"bench_{stream.lower()}.transactions",
                max_events=1000,
                max_partitions=64,
                idle_seconds=0.01,
            )
            outbox = Outbox(create_engine(database.url, pool_size=1))
            stop = asyncio.Event()
            relay = Relay(settings)
            started = time.perf_counter()
            running = asyncio.create_task(relay.run(stop))
            while True:  # until the outbox is empty
                if (await outbox.measure_backlog())[0] == 0:
                    break
                await asyncio.sleep(0.02)
            relay_rate = debits / (time.perf_counter() - started)
            stop.set()
            await running
            await outbox.engine.dispose()
        finally:
            await core.stop(1)
            nc = await nats.connect(nats_url)
            with contextlib.suppress(Exception):  # never created
                await nc.jetstream().delete_stream(stream)
            await nc.close()
            await drop_database(database, postgres_url)
    return debit_rate, relay_rate


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.relay_rate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", choices=[POSTGRESQL, SQLITE], default=POSTGRESQL)
    parser.add_argument("--postgres-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--nats-url", default="nats://127.0.0.1:4222")
    parser.add_argument("--debits", type=int, default=10_000)
    args = parser.parse_args()
    debit_rate, relay_rate = asyncio.run(measure(args.store, args.postgres_url, args.nats_url, args.debits))
    print(
        f"{args.store}: core {debit_rate:,.0f} Debits/s ({CONCURRENCY} callers); relay {relay_rate:,.0f} events/s "
        f"(one relay, {args.debits} events); relay / core {relay_rate / debit_rate:.2f}"
    )


if __name__ == "__main__":
    main()
