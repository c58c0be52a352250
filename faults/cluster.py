"""The processes under test: the core (`python -m wallet_cli core`) and the three gateways (`python -m
wallet_cli gateway NAME`), each in its own process started by `devstack.wallet`, and what the drills
do to them: SIGKILL, restart, SIGSTOP and SIGCONT."""

from __future__ import annotations

import asyncio
import os
import signal
from dataclasses import dataclass, field
from pathlib import Path

from devstack.ports import StackPorts
from devstack.proc import rss_bytes
from devstack.processes import Server
from devstack.wallet import start_core, start_gateway
from faults.config import GATEWAYS


@dataclass
class Cluster:
    config: Path
    ports: StackPorts
    workdir: Path
    log_level: str
    core: Server | None = None
    gateways: dict[str, Server] = field(default_factory=dict)
    frozen: bool = False

    async def start(self) -> None:
        await self.start_core()
        await asyncio.gather(*(self.start_gateway(name) for name in GATEWAYS))

    async def start_core(self) -> None:
        self.core = await start_core(self.config, self.ports.core, self.workdir / "core.log", log_level=self.log_level)

    async def start_gateway(self, name: str) -> None:
        self.gateways[name] = await start_gateway(
            name, self.config, self.ports.gateways[name], self.workdir / f"{name}.log", log_level=self.log_level
        )

    async def kill_core(self) -> None:
        await self._core().kill()

    async def kill_gateway(self, name: str) -> None:
        await self.gateways[name].kill()

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
        return {server.name: rss_bytes(server.pid) for server in self.servers()}

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
