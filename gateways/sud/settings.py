"""The SUD gateway's settings, read from a plain mapping (the `[gateways.sud]` TOML section).

[gateways.sud]
app_id = "..."                          # SUD's app id: Sud-AppId and the notifications' app_id
app_secret = "..."                      # the key of SUD's HMAC-SHA1 signatures (or app_secret_file, _env)
currency = "USD"                        # the wallet currency SUD's score points are paid in
point_value = "1.00"                    # the amount of `currency` one score point is worth (a string)
allowed_ips = ["203.0.113.0/24"]        # SUD's addresses; empty = any (a warning at start)
trusted_proxies = []                    # peers whose X-Forwarded-For is believed
player_id_prefix = ""                   # wallet player id = prefix + SUD uid
timestamp_window_seconds = 600          # how far Sud-Timestamp may be from now (SUD sets none)
body_limit_bytes = 65536
update_score_id_prefix = "us:"          # scopes update_score's order ids apart from buy-ins' (see below)

[gateways.sud.core]
address = "127.0.0.1:50051"
token = "..."                           # or token_file = "/run/secrets/..." or token_env = "NAME"
deadline_seconds = 2.0                  # total, retries included

[gateways.sud.provisional]              # see gateways/sud/provisional.py
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from gateways.kit.config import ConfigReader, GatewayConfigError
from gateways.kit.core_connection import CoreConnection
from gateways.kit.ipallow import IpAllowlist
from gateways.kit.players import PlayerIds
from gateways.sud.provisional import Provisional
from gateways.sud.scores import PointRate

PROVIDER = "sud"
UPDATE_SCORE_ID_PREFIX = "us:"
"""Put before an update_score `order_id` to make its core transaction id. Without it, an update_score
order and a buy-in (the operator's debit under its own `out_order_id`) or a settlement row (a credit
under SUD's `order_id`) that share an id would share the core's key (sud, kind, id): one would be
answered as the other's replay, and move nothing. Choose one the operator's out_order_ids and SUD's
settlement order ids never start with (SUD's are digits).
A gateway upgraded from one without the prefix keys new orders apart from those applied before it:
an order applied before and re-sent after would be applied again, so upgrade with no update_score
re-send pending (SUD re-sends only until answered), or set "" to keep the old keys (and the overlap)."""
MAX_ID_PREFIX_LENGTH = 8


@dataclass(frozen=True)
class Settings:
    core: CoreConnection
    app_id: str
    app_secret: str = field(repr=False)
    currency: str
    points: PointRate
    allowed_ips: IpAllowlist = field(default_factory=IpAllowlist)
    trusted_proxies: tuple[str, ...] = ()
    players: PlayerIds = field(default_factory=PlayerIds)
    timestamp_window_seconds: float = 600.0
    body_limit_bytes: int = 64 * 1024
    update_score_id_prefix: str = UPDATE_SCORE_ID_PREFIX
    provisional: Provisional = field(default_factory=Provisional)

    @classmethod
    def from_mapping(cls, data: Mapping[str, object], path: str = "gateways.sud") -> "Settings":
        """From the `[gateways.sud]` table; GatewayConfigError names the first bad or unknown key."""
        reader = ConfigReader(data, path)
        try:
            allowed_ips = IpAllowlist.from_strings(reader.strings("allowed_ips"))
        except ValueError as error:
            raise GatewayConfigError(f"{reader.path_of('allowed_ips')}: {error}") from error
        try:
            points = PointRate.parse(reader.string("point_value"))
        except ValueError as error:
            raise GatewayConfigError(f"{reader.path_of('point_value')}: {error}") from error
        prefix = reader.optional_string("update_score_id_prefix", UPDATE_SCORE_ID_PREFIX)
        if len(prefix) > MAX_ID_PREFIX_LENGTH:
            raise GatewayConfigError(
                f"{reader.path_of('update_score_id_prefix')}: at most {MAX_ID_PREFIX_LENGTH} characters"
            )
        settings = cls(
            core=CoreConnection.from_mapping(reader.table("core"), reader.path_of("core")),
            app_id=reader.string("app_id"),
            app_secret=reader.secret("app_secret"),
            currency=reader.string("currency"),
            points=points,
            allowed_ips=allowed_ips,
            trusted_proxies=reader.strings("trusted_proxies"),
            players=PlayerIds(reader.optional_string("player_id_prefix")),
            timestamp_window_seconds=reader.positive_number("timestamp_window_seconds", cls.timestamp_window_seconds),
            body_limit_bytes=reader.positive_integer("body_limit_bytes", cls.body_limit_bytes),
            update_score_id_prefix=prefix,
            provisional=Provisional.from_mapping(reader.table("provisional"), reader.path_of("provisional")),
        )
        reader.finish()
        return settings
