"""The HRG gateway's settings, read from a plain mapping (the `[gateways.hrg]` TOML section).

    [gateways.hrg]
    currency = "USD"                        # the one wallet currency HRG settles in (required)
    callback_prefix = "/hrg"                # HRG POSTs to {callbackURL}/<action>; this is its path
    allowed_ips = ["203.0.113.0/24"]        # HRG's addresses
    shared_secret = ""                      # optional: HRG must send it in the provisional header
                                            # (or shared_secret_file = PATH, shared_secret_env = NAME)
    allow_any_source = false                # true only to run with neither of the two above
    trusted_proxies = []                    # peers whose X-Forwarded-For is believed
    player_id_prefix = ""                   # wallet player id = prefix + HRG userId
    timestamp_window_seconds = 300          # how old (or early) a place_bet's `ts` may be
    body_limit_bytes = 65536

    [gateways.hrg.core]
    address = "127.0.0.1:50051"
    token = "..."                           # or token_file = PATH, token_env = NAME

    [gateways.hrg.provisional]              # see gateways/hrg/provisional.py

The endpoints are never open by accident: with no allowlist and no shared secret the settings are
refused, unless `allow_any_source = true` says so explicitly.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from gateways.hrg.provisional import Provisional
from gateways.kit.config import ConfigReader, GatewayConfigError
from gateways.kit.core_connection import CoreConnection
from gateways.kit.ipallow import IpAllowlist
from gateways.kit.players import PlayerIds

PROVIDER = "hrg"
MIN_SECRET_LENGTH = 16
_PREFIX = re.compile(r"(/[A-Za-z0-9._~-]+)*")
_SECRET = re.compile(r"[\x21-\x7e]+")
"""Visible ASCII: what a header carries unchanged."""


@dataclass(frozen=True)
class Settings:
    core: CoreConnection
    currency: str
    allowed_ips: IpAllowlist = field(default_factory=IpAllowlist)
    shared_secret: str = field(default="", repr=False)
    allow_any_source: bool = False
    callback_prefix: str = "/hrg"
    trusted_proxies: tuple[str, ...] = ()
    players: PlayerIds = field(default_factory=PlayerIds)
    timestamp_window_seconds: float = 300.0
    body_limit_bytes: int = 64 * 1024
    provisional: Provisional = field(default_factory=Provisional)

    def __post_init__(self) -> None:
        if not _PREFIX.fullmatch(self.callback_prefix):
            raise GatewayConfigError(
                f"callback_prefix must be a path like '/hrg' (or ''), not {self.callback_prefix!r}"
            )
        if self.shared_secret and (
            len(self.shared_secret) < MIN_SECRET_LENGTH or not _SECRET.fullmatch(self.shared_secret)
        ):
            raise GatewayConfigError(f"shared_secret must be at least {MIN_SECRET_LENGTH} visible ASCII characters")
        if self.allow_any_source and not self.allowed_ips.is_open:
            raise GatewayConfigError("allow_any_source = true contradicts a non-empty allowed_ips")
        if self.allowed_ips.is_open and not self.shared_secret and not self.allow_any_source:
            raise GatewayConfigError(
                "HRG endpoints would be open to anyone: set allowed_ips and/or shared_secret "
                "(or allow_any_source = true, for a demo only)"
            )

    @classmethod
    def from_mapping(cls, data: Mapping[str, object], path: str = "gateways.hrg") -> "Settings":
        """From the `[gateways.hrg]` table; GatewayConfigError names the first bad or unknown key."""
        if not isinstance(data, Mapping):
            raise GatewayConfigError(f"{path} must be a table")
        section = dict(data)
        # A true/false setting: the kit's ConfigReader has no getter for those, so it is taken out here.
        allow_any_source = section.pop("allow_any_source", False)
        if not isinstance(allow_any_source, bool):
            raise GatewayConfigError(f"{path}.allow_any_source must be true or false")
        reader = ConfigReader(section, path)
        try:
            allowed_ips = IpAllowlist.from_strings(reader.strings("allowed_ips"))
        except ValueError as error:
            raise GatewayConfigError(f"{reader.path_of('allowed_ips')}: {error}") from error
        try:
            settings = cls(
                core=CoreConnection.from_mapping(reader.table("core"), reader.path_of("core")),
                currency=reader.string("currency"),
                allowed_ips=allowed_ips,
                shared_secret=reader.secret("shared_secret", ""),
                allow_any_source=allow_any_source,
                callback_prefix=reader.optional_string("callback_prefix", cls.callback_prefix),
                trusted_proxies=reader.strings("trusted_proxies"),
                players=PlayerIds(reader.optional_string("player_id_prefix")),
                timestamp_window_seconds=reader.positive_number(
                    "timestamp_window_seconds", cls.timestamp_window_seconds
                ),
                body_limit_bytes=reader.positive_integer("body_limit_bytes", cls.body_limit_bytes),
                provisional=Provisional.from_mapping(reader.table("provisional"), reader.path_of("provisional")),
            )
        except GatewayConfigError as error:
            message = str(error)
            raise GatewayConfigError(message if message.startswith(path) else f"{path}: {message}") from None
        reader.finish()
        return settings
