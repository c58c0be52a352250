"""The configuration file of the wallet under test: the core and the three gateways in one TOML file
(written by `devstack.config`), as an operator writes it, each process started with `--config` on it."""

from __future__ import annotations

from pathlib import Path

from devstack.config import Identity, Section, core_section, gateway_section, write_config
from devstack.ports import StackPorts

GATEWAYS = ("aigame", "hrg", "sud")
CURRENCY = "USD"
ADMIN_TOKEN = "faults-admin-token-0123456789"
OPERATOR_TOKEN = "faults-operator-token-0123456789"
"""The operator's own services: SUD's buy-ins (README, "SUD")."""
AIGAME_AGENT = "faults-agent"
AIGAME_SECRET = "faults-aigame-secret"
SUD_APP_ID = "faults-app"
SUD_SECRET = "faults-sud-secret"
SUD_POINT_VALUE = "1.00"
DEADLINE_SECONDS = 2.0
"""Each gateway's total time for one core call, retries included ([gateways.NAME.core] deadline_seconds)."""
ATTEMPT_TIMEOUT_SECONDS = 1.0


RELAY_TOKEN = "faults-relay-token-0123456789"
RELAY_LEASE_SECONDS = 2
"""Short, so that a killed relay's partitions go to the next one within a drill."""


def gateway_token(name: str) -> str:
    return f"faults-{name}-gateway-token-0123456789"


CLIENTS = (
    Identity("faults-admin", ADMIN_TOKEN, ["*"], admin=True),
    Identity("operator", OPERATOR_TOKEN, ["sud"]),
    *(Identity(f"{name}-gateway", gateway_token(name), [name]) for name in GATEWAYS),
    Identity("relay", RELAY_TOKEN, [], relay=True),
)
GATEWAY_SETTINGS: dict[str, Section] = {
    "aigame": {"agents": {AIGAME_AGENT: AIGAME_SECRET}},
    "hrg": {"currency": CURRENCY},
    "sud": {"app_id": SUD_APP_ID, "app_secret": SUD_SECRET, "currency": CURRENCY, "point_value": SUD_POINT_VALUE},
}
CORE_CLIENT = {"deadline_seconds": DEADLINE_SECONDS, "attempt_timeout_seconds": ATTEMPT_TIMEOUT_SECONDS}


def pick_ports() -> StackPorts:
    return StackPorts.pick(GATEWAYS)


def relay_section(core_port: int, nats_url: str, stream: str, subject_prefix: str) -> Section:
    """`[relay]` of the events drills: the drill's own NATS, stream and subjects."""
    return {
        "nats_url": nats_url,
        "stream": stream,
        "subject_prefix": subject_prefix,
        "max_events": 50,
        "lease_seconds": RELAY_LEASE_SECONDS,
        "duplicate_window_seconds": 120,
        "publish_timeout_seconds": 1.0,
        "idle_seconds": 0.05,
        "core": {"address": f"127.0.0.1:{core_port}", "token": RELAY_TOKEN},
    }


def write_stack_config(path: Path, database_url: str, ports: StackPorts, relay: Section | None = None) -> Path:
    core = core_section(
        port=ports.core, database_url=database_url, currencies={CURRENCY: 2}, clients=CLIENTS, shutdown_grace_seconds=2
    )
    gateways = {
        name: gateway_section(
            port=ports.gateways[name],
            core_port=ports.core,
            token=gateway_token(name),
            core_client=CORE_CLIENT,
            **GATEWAY_SETTINGS[name],
        )
        for name in GATEWAYS
    }
    return write_config(path, core=core, gateways=gateways, relay=relay)
