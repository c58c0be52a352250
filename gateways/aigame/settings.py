"""The AIGame gateway's settings, read from a plain mapping (the `[gateways.aigame]` TOML section).

[gateways.aigame]
allowed_ips = ["203.0.113.0/24"]        # AIGame's addresses; empty = any (a warning at start)
trusted_proxies = []                    # peers whose X-Forwarded-For is believed
player_id_prefix = ""                   # wallet player id = prefix + AIGame user_id
timestamp_window_seconds = 600          # "valid for ten minutes"
body_limit_bytes = 65536
detail_rate_limit = "1 per 5 seconds"   # per agent, `limits` notation
rate_limit_storage = "async+memory://"  # a shared storage URI when several processes serve AIGame

[gateways.aigame.core]
address = "127.0.0.1:50051"
token = "..."                           # or token_file = "/run/secrets/..." or token_env = "NAME"
deadline_seconds = 2.0                  # total, retries included; AIGame waits longer

[gateways.aigame.agents]                # AIGame agent_id -> its secret
agent001 = "..."                        # or { file = "/run/secrets/..." } or { env = "NAME" }

[gateways.aigame.currencies]            # AIGame currency -> wallet currency (default: USD, BRL, VND2)
VND2 = "VND2"

[gateways.aigame.provisional]           # see gateways/aigame/provisional.py
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from gateways.aigame.provisional import Provisional
from gateways.kit.config import ConfigReader, GatewayConfigError
from gateways.kit.core_connection import CoreConnection
from gateways.kit.currencies import CurrencyMap
from gateways.kit.ipallow import IpAllowlist
from gateways.kit.players import PlayerIds
from gateways.kit.ratelimit import IN_MEMORY

PROVIDER = "aigame"
DEFAULT_CURRENCIES: Mapping[str, str] = MappingProxyType({"USD": "USD", "BRL": "BRL", "VND2": "VND2"})


@dataclass(frozen=True)
class Settings:
    core: CoreConnection
    agents: Mapping[str, str] = field(repr=False)
    """AIGame agent_id -> the secret it signs with."""
    allowed_ips: IpAllowlist = field(default_factory=IpAllowlist)
    trusted_proxies: tuple[str, ...] = ()
    currencies: CurrencyMap = field(default_factory=lambda: CurrencyMap(DEFAULT_CURRENCIES))
    players: PlayerIds = field(default_factory=PlayerIds)
    timestamp_window_seconds: float = 600.0
    body_limit_bytes: int = 64 * 1024
    detail_rate_limit: str = "1 per 5 seconds"
    rate_limit_storage: str = IN_MEMORY
    provisional: Provisional = field(default_factory=Provisional)

    @classmethod
    def from_mapping(cls, data: Mapping[str, object], path: str = "gateways.aigame") -> "Settings":
        """From the `[gateways.aigame]` table; GatewayConfigError names the first bad or unknown key."""
        reader = ConfigReader(data, path)
        currencies = reader.string_table("currencies", DEFAULT_CURRENCIES)
        try:
            allowed_ips = IpAllowlist.from_strings(reader.strings("allowed_ips"))
        except ValueError as error:
            raise GatewayConfigError(f"{reader.path_of('allowed_ips')}: {error}") from error
        agents = reader.secret_table("agents")
        if not agents:
            raise GatewayConfigError(f"{reader.path_of('agents')} must name at least one agent_id and its secret")
        settings = cls(
            core=CoreConnection.from_mapping(reader.table("core"), reader.path_of("core")),
            agents=MappingProxyType(agents),
            allowed_ips=allowed_ips,
            trusted_proxies=reader.strings("trusted_proxies"),
            currencies=CurrencyMap(MappingProxyType(currencies)),
            players=PlayerIds(reader.optional_string("player_id_prefix")),
            timestamp_window_seconds=reader.positive_number("timestamp_window_seconds", cls.timestamp_window_seconds),
            body_limit_bytes=reader.positive_integer("body_limit_bytes", cls.body_limit_bytes),
            detail_rate_limit=reader.rate("detail_rate_limit", cls.detail_rate_limit),
            rate_limit_storage=reader.string("rate_limit_storage", cls.rate_limit_storage),
            provisional=Provisional.from_mapping(reader.table("provisional"), reader.path_of("provisional")),
        )
        reader.finish()
        return settings
