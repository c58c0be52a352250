"""The core's settings, built from the ``[core]`` section of the TOML configuration.

Tokens are secrets: their dataclass fields are left out of ``repr`` so that they never
reach a log line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///wallet.db"
DEFAULT_CURRENCIES = {"USD": 2, "EUR": 2, "BRL": 2, "VND2": 2, "COIN": 0}
ALL_PROVIDERS = "*"


class ConfigError(ValueError):
    """The configuration is wrong; the message says where."""


@dataclass(frozen=True)
class Client:
    """An identity the core knows by its bearer token."""

    name: str
    token: str = field(repr=False)
    providers: frozenset[str]
    admin: bool = False

    def may_act_for(self, provider: str) -> bool:
        return ALL_PROVIDERS in self.providers or provider in self.providers


@dataclass(frozen=True)
class TlsSettings:
    cert_file: str
    key_file: str
    client_ca_file: str = ""  # set: clients must present a certificate it signed (mutual TLS)


@dataclass(frozen=True)
class CoreSettings:
    listen: str = "127.0.0.1:50051"
    database_url: str = DEFAULT_DATABASE_URL
    currencies: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_CURRENCIES))
    clients: tuple[Client, ...] = ()
    pool_size: int = 10
    shutdown_grace_seconds: float = 10.0
    tls: TlsSettings | None = None
    metrics_listen: str = ""  # "host:port" serves Prometheus metrics over HTTP; empty: off

    @classmethod
    def from_mapping(cls, section: Mapping[str, Any]) -> CoreSettings:
        known = {
            "listen",
            "database_url",
            "currencies",
            "clients",
            "pool_size",
            "shutdown_grace_seconds",
            "tls",
            "metrics_listen",
        }
        unknown = set(section) - known
        if unknown:
            raise ConfigError(f"[core] has unknown keys: {', '.join(sorted(unknown))}")
        currencies = dict(section.get("currencies", DEFAULT_CURRENCIES))
        for code, scale in currencies.items():
            if not isinstance(scale, int) or isinstance(scale, bool) or not 0 <= scale <= 8:
                raise ConfigError(f"[core.currencies] {code} must be a scale from 0 to 8")
        clients = tuple(_client(i, c) for i, c in enumerate(section.get("clients", [])))
        names = [c.name for c in clients]
        if len(set(names)) != len(names) or len({c.token for c in clients}) != len(clients):
            raise ConfigError("[[core.clients]] names and tokens must be unique")
        tls = section.get("tls")
        return cls(
            listen=str(section.get("listen", cls.listen)),
            database_url=str(section.get("database_url", DEFAULT_DATABASE_URL)),
            currencies=currencies,
            clients=clients,
            pool_size=int(section.get("pool_size", cls.pool_size)),
            shutdown_grace_seconds=float(section.get("shutdown_grace_seconds", cls.shutdown_grace_seconds)),
            tls=TlsSettings(**tls) if tls else None,
            metrics_listen=str(section.get("metrics_listen", "")),
        )


def _client(index: int, raw: Mapping[str, Any]) -> Client:
    where = f"[[core.clients]] #{index + 1}"
    try:
        name, token = str(raw["name"]), str(raw["token"])
    except KeyError as missing:
        raise ConfigError(f"{where} needs {missing}") from None
    if len(token) < 16:
        raise ConfigError(f"{where} ({name}): a token must be at least 16 characters")
    providers = raw.get("providers", [])
    if not isinstance(providers, list) or not all(isinstance(p, str) for p in providers):
        raise ConfigError(f"{where} ({name}): providers must be a list of names")
    return Client(name=name, token=token, providers=frozenset(providers), admin=bool(raw.get("admin", False)))
