"""The configuration files of the servers under test (written by `devstack.config`): a core with the
benchmark's identities and the AIGame gateway in front of it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bench import payloads
from bench.history import PROVIDERS as HISTORY_PROVIDERS
from devstack.config import Identity, core_section, gateway_section, write_config

ADMIN_TOKEN = "bench-admin-token-0123456789"
BENCH_TOKEN = "bench-client-token-0123456789"
GATEWAY_TOKEN = "bench-aigame-gateway-token-0123456789"
HISTORY_TOKEN = "bench-history-token-0123456789"
CLIENTS = (
    Identity("bench-admin", ADMIN_TOKEN, ["*"], admin=True),  # opens accounts
    Identity("bench", BENCH_TOKEN, [payloads.PROVIDER]),  # the generator's own Debit calls
    Identity("aigame-gateway", GATEWAY_TOKEN, ["aigame"]),
    Identity("bench-history", HISTORY_TOKEN, list(HISTORY_PROVIDERS)),  # replays of the history's debits
)


def write_core_config(
    path: Path,
    database_url: str,
    port: int,
    pool_size: int | None = None,
    metrics_port: int | None = None,
    tracing_ratio: float | None = None,
) -> Path:
    """The core's file; with `tracing_ratio`, its [core.tracing] on at that sample ratio."""
    core = core_section(
        port=port, database_url=database_url, currencies={payloads.CURRENCY: 2}, clients=CLIENTS, pool_size=pool_size
    )
    if metrics_port is not None:
        core["metrics_listen"] = f"127.0.0.1:{metrics_port}"
    if tracing_ratio is not None:
        core["tracing"] = {"enabled": True, "sample_ratio": tracing_ratio}
    return write_config(path, core=core)


def write_gateway_config(path: Path, port: int, core_port: int | Sequence[int]) -> Path:
    """The AIGame gateway in front of the core (the cores, balanced, on several ports), accepting the
    bench's agent from loopback."""
    aigame = gateway_section(
        port=port,
        core_port=core_port,
        token=GATEWAY_TOKEN,
        allowed_ips=["127.0.0.1"],
        agents={payloads.AIGAME_AGENT: payloads.AIGAME_SECRET},
    )
    return write_config(path, gateways={"aigame": aigame})
