"""The load generator process (`python -m bench.generator`) as the orchestrator drives it."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from devstack.processes import child_environment


class GeneratorFailed(Exception):
    pass


class Generator:
    """`python -m bench.generator` as a child process, spoken to in JSON lines."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @classmethod
    async def start(cls, *, env: dict[str, str] | None = None, cwd: Path | None = None) -> Generator:
        """In `child_environment()` unless `env` is given."""
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.generator",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env=child_environment() if env is None else env,
            cwd=cwd,
            limit=2**24,
        )
        return cls(process)

    @property
    def pid(self) -> int:
        return self.process.pid

    async def _ask(self, message: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(message).encode() + b"\n")
        await self.process.stdin.drain()
        line = await self.process.stdout.readline()
        if not line:
            raise GeneratorFailed(f"the generator exited ({await self.process.wait()})")
        reply: dict[str, Any] = json.loads(line)
        if "error" in reply:
            raise GeneratorFailed(f"{reply['error']}\n{reply.get('traceback', '')}")
        return reply

    async def prepare(self, task: dict[str, Any]) -> None:
        await self._ask({"op": "prepare", "task": task})

    async def go(self) -> dict[str, Any]:
        result: dict[str, Any] = (await self._ask({"op": "go"}))["result"]
        return result

    async def close(self) -> None:
        await self._ask({"op": "close"})

    async def quit(self) -> None:
        if self.process.returncode is None:
            assert self.process.stdin is not None
            try:
                self.process.stdin.write(b'{"op": "quit"}\n')
                self.process.stdin.close()
            except (BrokenPipeError, ConnectionResetError):
                pass  # it is gone already
            try:
                await asyncio.wait_for(self.process.wait(), timeout=10)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
