"""The end-to-end case's cores: one process per port on PostgreSQL, which the gateway reaches as one
address list (balanced per call, gateways.kit.core_channel), each serving its Prometheus metrics so
that the run can say how the calls split between them."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass

import httpx

from bench import configs
from bench.runtime import Bench
from bench.stores import Store
from devstack.ports import LOOPBACK, free_ports
from devstack.processes import Server
from devstack.wallet import start_core

CALLS = re.compile(r"^wallet_core_calls_total\{[^}]*\} ([0-9.e+]+)$", re.MULTILINE)


@dataclass
class Replicas:
    servers: list[Server]
    ports: list[int]
    metrics_ports: list[int]

    async def calls(self) -> list[int]:
        """The calls each core has answered since it started (all methods, all outcomes)."""
        async with httpx.AsyncClient(timeout=10, trust_env=False) as client:
            pages = [(await client.get(f"http://{LOOPBACK}:{port}/metrics")).text for port in self.metrics_ports]
        return [int(sum(float(n) for n in CALLS.findall(page))) for page in pages]

    async def stop(self) -> None:
        await asyncio.gather(*(server.stop() for server in self.servers))


async def start_replicas(bench: Bench, store: Store, name: str) -> Replicas:
    """`plan.core_processes` cores on `store` (PostgreSQL), each on a port of its own."""
    count = bench.plan.core_processes
    ports = free_ports(2 * count)
    replicas = Replicas([], ports[:count], ports[count:])
    try:
        for i, (port, metrics) in enumerate(zip(replicas.ports, replicas.metrics_ports, strict=True)):
            config = configs.write_core_config(
                bench.workdir / f"{name}-{i}.toml", store.url, port, bench.plan.core_pool_size, metrics
            )
            log = bench.workdir / f"{name}-{i}.log"
            replicas.servers.append(await start_core(config, port, log, log_level=bench.plan.log_level))
    except BaseException:
        await replicas.stop()
        raise
    return replicas


def split(before: list[int], after: list[int]) -> list[int]:
    """The calls each core answered between two readings."""
    return [b - a for a, b in zip(before, after, strict=True)]
