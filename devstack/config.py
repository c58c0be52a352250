"""The one configuration writer: a core and gateways on loopback in TOML, as an operator writes it
(docs/configuration.md), each process then started with `--config` on the file.

The sections are plain mappings, so that a caller adds whatever setting its gateway takes
(`agents`, `app_id`, `currency`, ...) without this module knowing every provider."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devstack import toml
from devstack.ports import LOOPBACK
from wallet_core.tokens import token_sha256

Section = dict[str, Any]


@dataclass(frozen=True)
class Identity:
    """A client of the core: its bearer token (written as its hash) and the providers it may act for (`*`: all)."""

    name: str
    token: str
    providers: Sequence[str]
    admin: bool = False
    relay: bool = False

    def as_toml(self) -> Section:
        return {
            "name": self.name,
            "tokens": [{"sha256": token_sha256(self.token)}],
            "providers": list(self.providers),
            **({"admin": True} if self.admin else {}),
            **({"relay": True} if self.relay else {}),
        }


def core_section(
    *,
    port: int,
    database_url: str,
    currencies: Mapping[str, int],
    clients: Sequence[Identity],
    shutdown_grace_seconds: float = 5.0,
    pool_size: int | None = None,
) -> Section:
    """`[core]`: None settings are left to the core's defaults."""
    return {
        "listen": f"{LOOPBACK}:{port}",
        "database_url": database_url,
        "shutdown_grace_seconds": shutdown_grace_seconds,
        "pool_size": pool_size,
        "currencies": dict(currencies),
        "clients": [client.as_toml() for client in clients],
    }


def gateway_section(
    *,
    port: int,
    core_port: int | Sequence[int],
    token: str,
    allowed_ips: Sequence[str] = (f"{LOOPBACK}/32",),
    core_client: Mapping[str, Any] | None = None,
    **settings: Any,
) -> Section:
    """`[gateways.NAME]`: listening on loopback, reaching the core with `token` (the cores, balanced, when
    `core_port` is several); `core_client` adds to its `[gateways.NAME.core]` (deadlines), `settings` to
    the gateway's own table."""
    core = {"address": core_address(core_port), "token": token, **(core_client or {})}
    return {"listen": f"{LOOPBACK}:{port}", "allowed_ips": list(allowed_ips), **settings, "core": core}


def core_address(port: int | Sequence[int]) -> str:
    """A gateway's `address` of the core on `port`, or of the cores on each of several ports."""
    ports = [port] if isinstance(port, int) else list(port)
    return ",".join(f"{LOOPBACK}:{p}" for p in ports)


def write_config(
    path: Path,
    *,
    core: Section | None = None,
    gateways: Mapping[str, Section] | None = None,
    relay: Section | None = None,
) -> Path:
    """One file for the core, the gateways, the events relay, or all (each process reads its own sections)."""
    document: Section = {}
    if core is not None:
        document["core"] = core
    if gateways:
        document["gateways"] = dict(gateways)
    if relay:
        document["relay"] = dict(relay)
    path.write_text(toml.dumps(document))
    return path
