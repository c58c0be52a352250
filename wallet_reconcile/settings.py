"""The [reconcile] section of the wallet's configuration.

[reconcile]
core_address = "127.0.0.1:50051"       # the default address of every provider's core connection
older_than = "10m"                      # the default threshold of `wallet reconcile` (s, m, h, d)

[reconcile.providers.aigame]            # one table per provider to reconcile
base_url = "https://staging.aig1234.com"  # the provider's query settings (wallet_reconcile/aigame.py)
agent_id = "agent001"

[reconcile.providers.aigame.core]       # a [[core.clients]] entry with reconcile = true and
token = "..."                           # providers = ["aigame"]; or token_file / token_env

[reconcile.providers.hrg.core]          # a provider without a query: its stale bets are listed "manual"
token = "..."
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from gateways.kit.config import GatewayConfigError
from gateways.kit.core_connection import CoreConnection
from wallet_reconcile.queries import ProviderQuery, ReconcileConfigError, factory_of

DEFAULT_CORE_ADDRESS = "127.0.0.1:50051"
DEFAULT_OLDER_THAN = timedelta(minutes=10)
_DURATION = re.compile(r"([0-9]+)([smhd])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


@dataclass(frozen=True)
class ProviderSettings:
    core: CoreConnection
    query: ProviderQuery | None


@dataclass(frozen=True)
class ReconcileSettings:
    older_than: timedelta
    providers: Mapping[str, ProviderSettings]


def duration(text: str) -> timedelta:
    """ "90s", "10m", "2h", "1d"; ValueError otherwise."""
    match = _DURATION.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a duration such as 90s, 10m, 2h or 1d")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def reconcile_settings(config: Mapping[str, Any]) -> ReconcileSettings | None:
    """The settings of [reconcile], None without one; ReconcileConfigError names a wrong key."""
    section = config.get("reconcile")
    if section is None:
        return None
    if not isinstance(section, Mapping):
        raise ReconcileConfigError("[reconcile] must be a table")
    unknown = set(section) - {"core_address", "older_than", "providers"}
    if unknown:
        raise ReconcileConfigError(f"[reconcile] has unknown keys: {', '.join(sorted(unknown))}")
    try:
        older_than = duration(str(section.get("older_than", "10m")))
    except ValueError as error:
        raise ReconcileConfigError(f"[reconcile] older_than: {error}") from None
    address = str(section.get("core_address", DEFAULT_CORE_ADDRESS))
    providers = section.get("providers", {})
    if not isinstance(providers, Mapping) or not providers:
        raise ReconcileConfigError("[reconcile] needs at least one [reconcile.providers.<name>] table")
    return ReconcileSettings(
        older_than, {name: _provider(name, table, address, config) for name, table in providers.items()}
    )


def _provider(name: str, table: object, address: str, config: Mapping[str, Any]) -> ProviderSettings:
    path = f"reconcile.providers.{name}"
    if not isinstance(table, Mapping):
        raise ReconcileConfigError(f"[{path}] must be a table")
    rest = {key: value for key, value in table.items() if key != "core"}
    try:
        core = CoreConnection.from_mapping({"address": address, **table.get("core", {})}, f"{path}.core")
    except GatewayConfigError as error:
        raise ReconcileConfigError(str(error)) from None
    factory = factory_of(name)
    if factory is None:
        if rest:
            raise ReconcileConfigError(f"[{path}]: {name} has no record query, so only its core table is read")
        return ProviderSettings(core, None)
    return ProviderSettings(core, factory(rest, config, path))
