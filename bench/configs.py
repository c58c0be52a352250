"""The configuration files of the servers under test (TOML, as an operator would write them)."""

from __future__ import annotations

import socket
from pathlib import Path

from bench import payloads

ADMIN_TOKEN = "bench-admin-token-0123456789"
BENCH_TOKEN = "bench-client-token-0123456789"
GATEWAY_TOKEN = "bench-aigame-gateway-token-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_core_config(path: Path, database_url: str, port: int, pool_size: int | None = None) -> Path:
    """A core on loopback with three identities: the admin (opens accounts), the bench's own client
    (provider `bench`) and the AIGame gateway (provider `aigame`)."""
    pool = f"pool_size = {pool_size}\n" if pool_size else ""
    path.write_text(f"""[core]
listen = "127.0.0.1:{port}"
database_url = {_quoted(database_url)}
shutdown_grace_seconds = 5
{pool}
[core.currencies]
{payloads.CURRENCY} = 2

[[core.clients]]
name = "bench-admin"
token = "{ADMIN_TOKEN}"
providers = ["*"]
admin = true

[[core.clients]]
name = "bench"
token = "{BENCH_TOKEN}"
providers = ["{payloads.PROVIDER}"]

[[core.clients]]
name = "aigame-gateway"
token = "{GATEWAY_TOKEN}"
providers = ["aigame"]
""")
    return path


def write_gateway_config(path: Path, port: int, core_port: int) -> Path:
    """The AIGame gateway in front of the core, accepting the bench's agent from loopback."""
    path.write_text(f"""[gateways.aigame]
listen = "127.0.0.1:{port}"
allowed_ips = ["127.0.0.1"]

[gateways.aigame.core]
address = "127.0.0.1:{core_port}"
token = "{GATEWAY_TOKEN}"

[gateways.aigame.agents]
{payloads.AIGAME_AGENT} = "{payloads.AIGAME_SECRET}"
""")
    return path
