"""Running the wallet from another checkout of the repository (e.g. the commit before a change, from
`git worktree add`): its packages first on the path, from a directory outside this checkout."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from devstack.processes import child_environment

PACKAGES = ("wallet_core", "wallet_cli", "gateways", "wallet")
_PRINT_FILES = f"import {', '.join(PACKAGES)}; print({', '.join(f'{p}.__file__' for p in PACKAGES)})"


class NotACheckout(Exception):
    """The directory does not hold the wallet's packages, or a process would import them from elsewhere."""


def missing_packages(code: Path) -> list[str]:
    return [package for package in PACKAGES if not (code / package / "__init__.py").is_file()]


def imported_elsewhere(files: list[str], code: Path) -> list[str]:
    """The module files of `files` that are not under `code`."""
    return [where for where in files if not Path(where).resolve().is_relative_to(code.resolve())]


async def check_checkout(code: Path, cwd: Path) -> None:
    """Refuse `code` unless a process started as `devstack.processes.spawn` starts it (environment
    `child_environment(code)`, run from `cwd`) imports every package of the wallet from it."""
    missing = missing_packages(code)
    if missing:
        raise NotACheckout(f"{code} is not a checkout of the wallet: no {', '.join(missing)}")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        _PRINT_FILES,
        cwd=cwd,
        env=child_environment(code),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await process.communicate()
    if process.returncode != 0:
        raise NotACheckout(f"the wallet's packages of {code} do not import:\n{out.decode(errors='replace')}")
    elsewhere = imported_elsewhere(out.decode().split(), code)
    if elsewhere:
        raise NotACheckout(f"a process would import {', '.join(elsewhere)}, not the code under {code}")
