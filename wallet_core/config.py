"""The core's settings, built from the ``[core]`` section of the TOML configuration.

A client is known by the SHA-256 of its tokens, never the token itself: the file holds no secret.
A client may have several tokens at once, each with an optional ``not_after``, so that a new one
is rolled out before the old one expires (docs/operations.md, "Rotating a core token").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from telemetry.tracing import TracingConfigError, TracingSettings
from wallet_core.tokens import config_entry

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///wallet.db"
DEFAULT_CURRENCIES = {"USD": 2, "EUR": 2, "BRL": 2, "VND2": 2, "COIN": 0}
ALL_PROVIDERS = "*"
DEFAULT_MAX_PAYOUT_MULTIPLES = {"aigame": 100, "hrg": 100, "sud": 50}
"""A payout past this many times its bet's stake is held for review (docs/configuration.md says why
these); a provider not named here is never held. ``max_payout_multiple = 0`` turns it off."""
CONSOLE_SCOPES = ("read", "act")
PROVIDER_KEYS = frozenset({"max_payout_multiple", "daily_budget_without_bet", "time_zone"})


class ConfigError(ValueError):
    """The configuration is wrong; the message says where."""


_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class ClientToken:
    """One of a client's tokens, by its hex SHA-256; refused after ``not_after`` when set."""

    sha256: str
    not_after: datetime | None = None


@dataclass(frozen=True)
class Client:
    """An identity the core knows by its bearer tokens."""

    name: str
    tokens: tuple[ClientToken, ...]
    providers: frozenset[str]
    admin: bool = False
    # The events relay's scope (docs/events.md): OutboxService only, nothing else.
    relay: bool = False
    reconcile: bool = False
    """May list its providers' stale bets and record reconciliations (wallet_reconcile); it moves
    money for them only as any of their clients does, through Credit and Rollback."""
    console: str = ""
    """The back-office console's scope (docs/console.md): "read" reads every provider's records and
    the figures; "act" also decides held payouts, in the name of the staff member it names. "" : none."""

    def may_act_for(self, provider: str) -> bool:
        return ALL_PROVIDERS in self.providers or provider in self.providers

    @property
    def reads_all(self) -> bool:
        """May read any provider's records (the admin, a console)."""
        return self.admin or self.console in CONSOLE_SCOPES

    @property
    def names_staff(self) -> bool:
        """A console: its calls name the staff member who acts (``x-wallet-actor``)."""
        return self.console in CONSOLE_SCOPES


@dataclass(frozen=True)
class TlsSettings:
    cert_file: str
    key_file: str
    client_ca_file: str = ""  # set: clients must present a certificate it signed (mutual TLS)


@dataclass(frozen=True)
class DailyBudget:
    """Credits with no bet a provider may make in one currency in a day (minor units), the day
    counted in ``time_zone``."""

    minor_units: int
    time_zone: str = "UTC"


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
    max_payout_multiples: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_MAX_PAYOUT_MULTIPLES))
    daily_budgets: Mapping[tuple[str, str], DailyBudget] = field(default_factory=dict)
    """(provider, currency): the day's budget of credits with no bet; none configured: never held."""
    limits_time_zone: str = "UTC"
    """The time zone whose calendar days players' daily loss limits count (wallet_core/limits.py)."""
    tracing: TracingSettings = field(default_factory=TracingSettings)
    """``[core.tracing]``: OpenTelemetry spans of the calls and the store (off by default)."""

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
            "providers",
            "limits_time_zone",
            "tracing",
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
        hashes = [t.sha256 for c in clients for t in c.tokens]
        if len(set(names)) != len(names) or len(set(hashes)) != len(hashes):
            raise ConfigError("[[core.clients]] names and token hashes must be unique")
        tls = section.get("tls")
        try:
            tracing = TracingSettings.from_mapping(section.get("tracing", {}), "[core.tracing]")
        except TracingConfigError as error:
            raise ConfigError(str(error)) from None
        return cls(
            listen=str(section.get("listen", cls.listen)),
            database_url=str(section.get("database_url", DEFAULT_DATABASE_URL)),
            currencies=currencies,
            clients=clients,
            pool_size=int(section.get("pool_size", cls.pool_size)),
            shutdown_grace_seconds=float(section.get("shutdown_grace_seconds", cls.shutdown_grace_seconds)),
            tls=TlsSettings(**tls) if tls else None,
            metrics_listen=str(section.get("metrics_listen", "")),
            max_payout_multiples=_max_payout_multiples(section.get("providers", {})),
            daily_budgets=_daily_budgets(section.get("providers", {}), currencies),
            limits_time_zone=_time_zone("[core] limits_time_zone", section.get("limits_time_zone", "UTC")),
            tracing=tracing,
        )


def _max_payout_multiples(providers: object) -> dict[str, int]:
    """The defaults, overridden by ``[core.providers.<name>] max_payout_multiple`` (0: never held)."""
    if not isinstance(providers, Mapping):
        raise ConfigError("[core.providers] must be a table of [core.providers.<name>] tables")
    multiples = dict(DEFAULT_MAX_PAYOUT_MULTIPLES)
    for name, settings in providers.items():
        where = f"[core.providers.{name}]"
        if not isinstance(settings, Mapping) or set(settings) - PROVIDER_KEYS:
            raise ConfigError(f"{where} takes the keys {', '.join(sorted(PROVIDER_KEYS))}")
        multiple = settings.get("max_payout_multiple", multiples.get(name, 0))
        if not isinstance(multiple, int) or isinstance(multiple, bool) or multiple < 0:
            raise ConfigError(f"{where} max_payout_multiple must be a whole number, 0 or more (0: never held)")
        multiples[name] = multiple
    return {name: multiple for name, multiple in multiples.items() if multiple}


def _daily_budgets(providers: Mapping[str, Any], currencies: Mapping[str, int]) -> dict[tuple[str, str], DailyBudget]:
    """``[core.providers.<name>] daily_budget_without_bet = { USD = "500.00" }`` and ``time_zone``."""
    budgets = {}
    for name, settings in providers.items():
        where = f"[core.providers.{name}]"
        amounts = settings.get("daily_budget_without_bet", {})
        time_zone = _time_zone(f"{where} time_zone", settings.get("time_zone", "UTC"))
        if not isinstance(amounts, Mapping):
            raise ConfigError(f'{where} daily_budget_without_bet is a table of amounts, e.g. {{ USD = "500.00" }}')
        for currency, amount in amounts.items():
            budgets[(name, currency)] = DailyBudget(_minor_units(where, currency, amount, currencies), time_zone)
    return budgets


def _time_zone(where: str, value: object) -> str:
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{where} {value!r} is not an IANA time zone (e.g. UTC, Asia/Manila)") from None
    return str(value)


def _minor_units(where: str, currency: str, amount: object, currencies: Mapping[str, int]) -> int:
    if currency not in currencies:
        raise ConfigError(f"{where} daily_budget_without_bet: {currency} is not in [core.currencies]")
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        value = Decimal(-1)
    minor = value.scaleb(currencies[currency])
    if not isinstance(amount, str) or minor < 0 or minor != minor.to_integral_value():
        raise ConfigError(
            f'{where} daily_budget_without_bet {currency} must be an amount as a string, e.g. "500.00", '
            f"with at most {currencies[currency]} decimals"
        )
    return int(minor)


def _client(index: int, raw: Mapping[str, Any]) -> Client:
    where = f"[[core.clients]] #{index + 1}"
    if "name" not in raw:
        raise ConfigError(f"{where} needs 'name'")
    name = str(raw["name"])
    where = f"{where} ({name})"
    if "token" in raw:
        raise ConfigError(_plain_token_refused(where, raw["token"]))
    unknown = set(raw) - {"name", "tokens", "providers", "admin", "relay", "reconcile", "console"}
    if unknown:
        raise ConfigError(f"{where} has unknown keys: {', '.join(sorted(unknown))}")
    tokens = raw.get("tokens", [])
    if not isinstance(tokens, list) or not tokens:
        raise ConfigError(f'{where} needs tokens = [{{ sha256 = "..." }}] (`wallet tokens new {name}` makes one)')
    providers = raw.get("providers", [])
    if not isinstance(providers, list) or not all(isinstance(p, str) for p in providers):
        raise ConfigError(f"{where}: providers must be a list of names")
    console = raw.get("console", "")
    if console not in ("", *CONSOLE_SCOPES):
        raise ConfigError(f'{where}: console must be "read" or "act"')
    return Client(
        name=name,
        tokens=tuple(_token(where, entry) for entry in tokens),
        providers=frozenset(providers),
        admin=bool(raw.get("admin", False)),
        relay=_relay_scope(where, raw, providers),
        reconcile=bool(raw.get("reconcile", False)),
        console=console,
    )


def _relay_scope(where: str, raw: Mapping[str, Any], providers: list[str]) -> bool:
    """A relay client is only that: it leases events, and holds no provider's or admin's rights."""
    relay = raw.get("relay", False)
    if not isinstance(relay, bool):
        raise ConfigError(f"{where}: relay must be true or false")
    if relay and (providers or raw.get("admin", False)):
        raise ConfigError(f"{where}: a relay client (relay = true) may not also have providers or admin")
    return relay


def _token(where: str, entry: object) -> ClientToken:
    if not isinstance(entry, Mapping) or set(entry) - {"sha256", "not_after"}:
        raise ConfigError(f'{where}: each token is {{ sha256 = "...", not_after = ... }} (not_after optional)')
    sha256 = entry.get("sha256")
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256.lower()):
        raise ConfigError(f"{where}: a token's sha256 must be 64 hexadecimal digits")
    return ClientToken(sha256.lower(), _not_after(where, entry.get("not_after")))


def _not_after(where: str, value: object) -> datetime | None:
    """A TOML offset date-time or an ISO 8601 string with an offset: a token's end is one instant."""
    if value is None:
        return None
    moment = value
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise ConfigError(f"{where}: not_after must be a date-time with its offset, e.g. 2027-01-31T00:00:00Z")
    return moment


def _plain_token_refused(where: str, token: object) -> str:
    """A token in the core's file is a secret at rest: refused, with the line that replaces it."""
    entry = config_entry(str(token))
    return f"{where}: the core keeps a token's hash, not the token: replace token = ... with tokens = [{entry}]"
