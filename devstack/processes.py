"""A server under test in its own process (`python <args>`), its output in a log file; stopping it
gently (SIGTERM, then SIGKILL after a grace) or killing it outright."""

from __future__ import annotations

import asyncio
import os
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The repository: `bench` and `faults` are run from it and are not installed."""
STOP_GRACE_SECONDS = 15.0


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
        """SIGTERM (the servers drain and exit), SIGKILL when that takes too long."""
        if self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), timeout=STOP_GRACE_SECONDS)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()

    async def kill(self) -> None:
        """SIGKILL a running server, and reap it."""
        self.check_alive()
        self.process.kill()
        await self.process.wait()


def child_environment(code: Path = ROOT) -> dict[str, str]:
    """The environment of a stack's processes: `code` first on the path (another checkout's packages
    win over this one's), then this repository (`bench` and `faults` importable from any directory);
    warnings off (they would go to the servers' logs on every call)."""
    paths = [str(code), str(ROOT), os.environ.get("PYTHONPATH", "")]
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(p for p in dict.fromkeys(paths) if p),
        "PYTHONWARNINGS": "ignore",
    }


async def spawn(
    name: str, args: list[str], log: Path, *, env: dict[str, str] | None = None, cwd: Path | None = None
) -> Server:
    """`python <args>` with its output appended to `log`; in `child_environment()` unless `env` is given.
    A process run from another checkout needs a `cwd` outside this one (`python -m` puts it first)."""
    with log.open("ab") as sink:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            *args,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=sink,
            stderr=sink,
            env=child_environment() if env is None else env,
            cwd=cwd,
        )
    return Server(name, process, log)
