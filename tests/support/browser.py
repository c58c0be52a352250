"""Headless Chromium from Debian's packages (/usr/bin/chromium), driven by Playwright for Python.

Never `playwright install`: the browser is the system's. Without it the browser tests skip with a
message, except in CI (CI=true), where the project's own files install it (`make setup` as root) and
its absence is a failure."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("WALLET_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def browser_required() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true"}


def require_chromium() -> Path:
    """The browser's path; skips (or fails in CI) when it is not installed."""
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium; `make setup` does it as root in CI)"
        if browser_required():
            pytest.fail(f"{message}: CI requires the browser tests")
        pytest.skip(message)
    return CHROMIUM
