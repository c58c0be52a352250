"""The processes under test: the core (`python -m wallet_cli core`) and the three gateways (`python -m
wallet_cli gateway NAME`), each in its own process started the way the benchmark starts them
(`bench.servers`), and what the drills do to them: SIGKILL, restart, SIGSTOP and SIGCONT."""

from __future__ import annotations

import asyncio
import os
import signal
from dataclasses import dataclass, field
from pathlib import Path

from bench import proc
from bench.servers import Server, spawn, start_core, wait_grpc, wait_http
from faults.config import GATEWAYS, Ports


@dataclass
class Cluster:
    config: Path
    ports: Ports
    workdir: Path
    log_level: str
    core: Server | None = None
    gateways: dict[str, Server] = field(default_factory=dict)
    frozen: bool = False

    async def start(self) -> None:
        await self.start_core()
        await asyncio.gather(*(self.start_gateway(name) for name in GATEWAYS))

    async def start_core(self) -> None:
        self.core = await start_core("core", self.config, self.workdir, "core", self.log_level)
        await wait_grpc([self.core], self.ports.core)

    async def start_gateway(self, name: str) -> None:
        server = await spawn(name, ["-m", "wallet_cli", "gateway", name, "--config", str(self.config),
                                    "--log-level", self.log_level], self.workdir / f"{name}.log")
        self.gateways[name] = server
        await wait_http(server, self.ports.gateways[name])  # /healthz: 200 once its core answers

    async def kill_core(self) -> None:
        await _kill(self._core())

    async def kill_gateway(self, name: str) -> None:
        await _kill(self.gateways[name])

    def freeze_core(self) -> None:
        """SIGSTOP: the port stays open and connections are accepted, but nothing answers."""
        os.kill(self._core().pid, signal.SIGSTOP)
        self.frozen = True

    def thaw_core(self) -> None:
        os.kill(self._core().pid, signal.SIGCONT)
        self.frozen = False

    def servers(self) -> list[Server]:
        return [*([self.core] if self.core else []), *self.gateways.values()]

    def check_alive(self) -> None:
        for server in self.servers():
            server.check_alive()

    def logs(self) -> dict[str, Path]:
        return {name: self.workdir / f"{name}.log" for name in ("core", *GATEWAYS)}

    def rss_bytes(self) -> dict[str, int]:
        return {server.name: proc.rss_bytes(server.pid) for server in self.servers()}

    async def stop(self) -> None:
        if self.frozen:
            self.thaw_core()
        await asyncio.gather(*(server.stop() for server in self.gateways.values()))
        if self.core is not None:
            await self.core.stop()

    def _core(self) -> Server:
        if self.core is None:
            raise RuntimeError("the core was never started")
        return self.core


async def _kill(server: Server) -> None:
    """SIGKILL, and reap it."""
    server.check_alive()
    server.process.kill()
    await server.process.wait()
