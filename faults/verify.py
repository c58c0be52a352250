"""`wallet verify --config FILE`, the operator's command, run as a process: every balance equals the
sum of its entries."""

from __future__ import annotations

import asyncio
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from devstack.processes import child_environment

SUMMARY = re.compile(r"checked (\d+) accounts: (\d+) mismatches")


@dataclass(frozen=True)
class Verified:
    exit_code: int
    accounts: int
    mismatches: int
    output: str

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and self.mismatches == 0 and self.accounts > 0

    def __str__(self) -> str:
        return "ok" if self.ok else f"FAILED (exit {self.exit_code}, {self.mismatches} mismatches)"


async def wallet_verify(config: Path) -> Verified:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "wallet_cli",
        "verify",
        "--config",
        str(config),
        "--log-level",
        "WARNING",
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env=child_environment(),
    )
    raw, _ = await process.communicate()
    output = raw.decode(errors="replace")
    found = SUMMARY.search(output)
    accounts, mismatches = (int(found[1]), int(found[2])) if found else (0, -1)
    return Verified(process.returncode if process.returncode is not None else -1, accounts, mismatches, output)
