"""The configuration file of the wallet under test: the core and the three gateways in one TOML file,
as an operator writes it, each process started with `--config` on it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bench.configs import free_port

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


def gateway_token(name: str) -> str:
    return f"faults-{name}-gateway-token-0123456789"


@dataclass(frozen=True)
class Ports:
    core: int
    gateways: Mapping[str, int]

    @classmethod
    def pick(cls) -> Ports:
        return cls(free_port(), {name: free_port() for name in GATEWAYS})

    def gateway_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.gateways[name]}"


def _gateway_core(name: str, core_port: int) -> str:
    return f"""[gateways.{name}.core]
address = "127.0.0.1:{core_port}"
token = "{gateway_token(name)}"
deadline_seconds = {DEADLINE_SECONDS}
attempt_timeout_seconds = {ATTEMPT_TIMEOUT_SECONDS}
"""


def write_config(path: Path, database_url: str, ports: Ports) -> Path:
    gateways = ports.gateways
    clients = "\n".join(f"""[[core.clients]]
name = "{name}-gateway"
token = "{gateway_token(name)}"
providers = ["{name}"]
""" for name in GATEWAYS)
    path.write_text(f"""[core]
listen = "127.0.0.1:{ports.core}"
database_url = {json.dumps(database_url)}
shutdown_grace_seconds = 2

[core.currencies]
{CURRENCY} = 2

[[core.clients]]
name = "faults-admin"
token = "{ADMIN_TOKEN}"
providers = ["*"]
admin = true

[[core.clients]]
name = "operator"
token = "{OPERATOR_TOKEN}"
providers = ["sud"]

{clients}
[gateways.aigame]
listen = "127.0.0.1:{gateways['aigame']}"
allowed_ips = ["127.0.0.1/32"]

{_gateway_core("aigame", ports.core)}
[gateways.aigame.agents]
{AIGAME_AGENT} = "{AIGAME_SECRET}"

[gateways.hrg]
listen = "127.0.0.1:{gateways['hrg']}"
currency = "{CURRENCY}"
allowed_ips = ["127.0.0.1/32"]

{_gateway_core("hrg", ports.core)}
[gateways.sud]
listen = "127.0.0.1:{gateways['sud']}"
app_id = "{SUD_APP_ID}"
app_secret = "{SUD_SECRET}"
currency = "{CURRENCY}"
point_value = "{SUD_POINT_VALUE}"
allowed_ips = ["127.0.0.1/32"]

{_gateway_core("sud", ports.core)}""")
    return path
