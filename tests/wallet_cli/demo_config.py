"""The shipped demo configuration on free loopback ports and a SQLite file of the test's own, and the
environment a `wallet` subprocess runs in (none of the developer's WALLET* overrides)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from devstack.ports import free_ports
from wallet_cli.config import demo_text

DEMO_ADDRESSES = {
    "core": "127.0.0.1:50051",
    "metrics": "127.0.0.1:9464",
    "aigame": "127.0.0.1:8081",
    "hrg": "127.0.0.1:8082",
    "sud": "127.0.0.1:8083",
    "aigame_platform": "127.0.0.1:8084",
    "console": "127.0.0.1:8090",
}


def fresh_addresses() -> dict[str, str]:
    """Distinct free loopback addresses, one per demo address."""
    ports = free_ports(len(DEMO_ADDRESSES))
    return {name: f"127.0.0.1:{port}" for name, port in zip(DEMO_ADDRESSES, ports, strict=True)}


def demo_config_at(path: Path, addresses: dict[str, str], database: Path) -> Path:
    """The demo configuration as shipped, on other ports and another SQLite file."""
    text = demo_text()
    for name, demo_address in DEMO_ADDRESSES.items():
        assert f'"{demo_address}"' in text, f"the demo configuration no longer has {demo_address}"
        text = text.replace(f'"{demo_address}"', f'"{addresses[name]}"')
        text = text.replace(f'"http://{demo_address}"', f'"http://{addresses[name]}"')
    text = text.replace('"sqlite+aiosqlite:///wallet.db"', f'"sqlite+aiosqlite:///{database}"')
    path.write_text(text)
    return path


def wallet(*args: str) -> list[str]:
    return [sys.executable, "-m", "wallet_cli", *args]


def environment(**extra: str) -> dict[str, str]:
    clean = {name: value for name, value in os.environ.items() if not name.startswith("WALLET")}
    return {**clean, "PYTHONWARNINGS": "ignore", **extra}
