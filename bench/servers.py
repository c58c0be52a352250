"""The servers under test, each in its own process: the core (`python -m wallet_cli core`), the
AIGame gateway (`python -m wallet_cli gateway aigame`) and the echo baseline (`python -m
bench.echo_server`). Their logs go to files in the run's directory."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.h2grpc import ConnectionFailed, H2Connection, grpc_message, header_block
from bench.http1 import Http1Connection, HttpConnectionFailed

START_TIMEOUT = 60.0
HEALTH_PATH = "/grpc.health.v1.Health/Check"
SERVING = b"\x08\x01"  # HealthCheckResponse(status=SERVING)


class ServerFailed(Exception):
    """A server did not start, or died; the message ends with the tail of its log."""


@dataclass
class Server:
    name: str
    process: asyncio.subprocess.Process
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return ""

    def check_alive(self) -> None:
        if self.process.returncode is not None:
            raise ServerFailed(f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}")

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), timeout=15)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


def child_environment() -> dict[str, str]:
    """The environment of the run's processes: `bench` importable from any directory (it is not an
    installed package), warnings off (they would go to the servers' logs on every call)."""
    root = str(Path(__file__).resolve().parent.parent)
    path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, "PYTHONWARNINGS": "ignore"}


async def spawn(name: str, args: list[str], log: Path, *, env: dict[str, str] | None = None,
                cwd: Path | None = None) -> Server:
    """`python <args>` with its output in `log`; in `child_environment()` unless `env` is given."""
    with log.open("ab") as sink:
        process = await asyncio.create_subprocess_exec(
            sys.executable, *args, stdin=asyncio.subprocess.DEVNULL, stdout=sink, stderr=sink,
            env=child_environment() if env is None else env, cwd=cwd,
        )
    return Server(name, process, log)


async def start_core(name: str, config: Path, workdir: Path, log_name: str, log_level: str) -> Server:
    return await spawn(name, ["-m", "wallet_cli", "core", "--config", str(config), "--log-level", log_level],
                       workdir / f"{log_name}.log")


async def start_gateway(config: Path, workdir: Path, log_level: str) -> Server:
    return await spawn("gateway", ["-m", "wallet_cli", "gateway", "aigame", "--config", str(config),
                                   "--log-level", log_level], workdir / "gateway.log")


async def start_echo(port: int, workdir: Path, index: int = 0) -> Server:
    return await spawn("echo", ["-m", "bench.echo_server", "--listen", f"127.0.0.1:{port}"],
                       workdir / f"echo-{index}.log")


async def wait_grpc(servers: list[Server], port: int, path: str = HEALTH_PATH, expect: bytes | None = SERVING) -> None:
    """Until a unary call on `path` answers (`expect`, when given), or a server dies."""
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        for server in servers:
            server.check_alive()
        try:
            connection = await H2Connection.open("127.0.0.1", port)
            try:
                answer = await asyncio.wait_for(
                    connection.call(header_block(f"127.0.0.1:{port}", path, ()), grpc_message(b"")), timeout=5)
            finally:
                connection.close()
            if answer is not None and (expect is None or answer == expect):
                return
        except (OSError, ConnectionFailed, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise ServerFailed(f"{servers[0].name} did not answer on port {port}:\n{servers[0].log_tail()}")
        await asyncio.sleep(0.2)


async def all_logged(servers: list[Server], text: str, hint: str, within_seconds: float = START_TIMEOUT) -> None:
    """Until every server's log holds `text` (that it listens: with SO_REUSEPORT a call reaches one)."""
    deadline = time.monotonic() + within_seconds
    while not all(text in s.log.read_text(errors="replace") for s in servers):
        for server in servers:
            server.check_alive()
        if time.monotonic() > deadline:
            raise ServerFailed(f"not every {servers[0].name} process logged {text!r} ({hint})")
        await asyncio.sleep(0.2)


async def wait_http(server: Server, port: int, path: str = "/healthz") -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        server.check_alive()
        try:
            connection = await Http1Connection.open("127.0.0.1", port)
            try:
                status, _ = await asyncio.wait_for(
                    connection.request(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()), timeout=5)
            finally:
                connection.close()
            if status == 200:
                return
        except (OSError, HttpConnectionFailed, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise ServerFailed(f"{server.name} did not answer on port {port}:\n{server.log_tail()}")
        await asyncio.sleep(0.2)
