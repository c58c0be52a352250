"""The configuration files of the servers under test (written by `devstack.config`): a core with the
benchmark's identities and the AIGame gateway in front of it."""

from __future__ import annotations

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


def write_core_config(path: Path, database_url: str, port: int, pool_size: int | None = None) -> Path:
    return write_config(
        path,
        core=core_section(
            port=port,
            database_url=database_url,
            currencies={payloads.CURRENCY: 2},
            clients=CLIENTS,
            pool_size=pool_size,
        ),
    )


def write_gateway_config(path: Path, port: int, core_port: int) -> Path:
    """The AIGame gateway in front of the core, accepting the bench's agent from loopback."""
    aigame = gateway_section(
        port=port,
        core_port=core_port,
        token=GATEWAY_TOKEN,
        allowed_ips=["127.0.0.1"],
        agents={payloads.AIGAME_AGENT: payloads.AIGAME_SECRET},
    )
    return write_config(path, gateways={"aigame": aigame})
