"""The console's settings, from the ``[console]`` table of the TOML configuration (docs/console.md)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from gateways.kit.config import ConfigReader, GatewayConfigError
from gateways.kit.core_connection import CoreConnection
from wallet_console import passwords
from wallet_console.roles import ROLES

MIN_SESSION_SECRET = 16


class ConsoleConfigError(ValueError):
    """The [console] configuration is wrong; the message says where."""


@dataclass(frozen=True)
class Staff:
    name: str
    role: str
    password_hash: str = field(repr=False)


@dataclass(frozen=True)
class Settings:
    core: CoreConnection
    session_secret: str = field(repr=False)
    staff: Mapping[str, Staff]
    listen: str = "127.0.0.1:8090"
    session_minutes: int = 480
    """How long a sign-in lasts (the cookie's max age); then the staff member signs in again."""
    secure_cookie: bool = False
    """True: the session cookie is sent over HTTPS only (a console behind TLS)."""
    stale_after_minutes: int = 10
    """The stale bets page lists the bets left placed longer than this."""
    signin_attempts_per_name: str = "5 per 15 minutes"
    """Sign-ins allowed in a moving window (`limits` notation) since the name's last success; then refused."""
    signin_attempts_per_address: str = "20 per 15 minutes"
    """Sign-ins allowed from one address in a moving window, right or wrong (signin_limits.py)."""
    trusted_proxies: tuple[str, ...] = ()
    """Peers whose X-Forwarded-For is believed: the address a sign-in's failures count against."""

    @classmethod
    def from_mapping(cls, data: Mapping[str, object], path: str = "console") -> Settings:
        data = dict(data)
        secure_cookie = data.pop("secure_cookie", False)
        if not isinstance(secure_cookie, bool):
            raise ConsoleConfigError(f"[{path}] secure_cookie must be true or false")
        try:
            reader = ConfigReader(data, path)
            core = CoreConnection.from_mapping(reader.table("core"), f"{path}.core")
            secret = reader.secret("session_secret")
            staff = _staff(reader.table("staff"), f"{path}.staff")
            settings = cls(
                core=core,
                session_secret=secret,
                staff=staff,
                listen=reader.string("listen", cls.listen),
                session_minutes=reader.positive_integer("session_minutes", cls.session_minutes),
                secure_cookie=secure_cookie,
                stale_after_minutes=reader.positive_integer("stale_after_minutes", cls.stale_after_minutes),
                signin_attempts_per_name=reader.rate("signin_attempts_per_name", cls.signin_attempts_per_name),
                signin_attempts_per_address=reader.rate("signin_attempts_per_address", cls.signin_attempts_per_address),
                trusted_proxies=reader.strings("trusted_proxies"),
            )
            reader.finish()
        except GatewayConfigError as error:
            raise ConsoleConfigError(str(error)) from None
        if len(secret) < MIN_SESSION_SECRET:
            raise ConsoleConfigError(f"[{path}] session_secret must be at least {MIN_SESSION_SECRET} characters")
        return settings


def _staff(table: Mapping[str, object], path: str) -> dict[str, Staff]:
    if not table:
        raise ConsoleConfigError(f"[{path}.<name>] is required: at least one staff member who may sign in")
    found = {}
    for name, entry in table.items():
        where = f"[{path}.{name}]"
        if not isinstance(entry, Mapping) or set(entry) != {"role", "password_hash"}:
            raise ConsoleConfigError(f"{where} takes role and password_hash (`wallet console-password` makes one)")
        role, password_hash = entry["role"], entry["password_hash"]
        if role not in ROLES:
            raise ConsoleConfigError(f"{where} role must be one of {', '.join(ROLES)}")
        if not isinstance(password_hash, str) or not passwords.is_hash(password_hash):
            raise ConsoleConfigError(
                f"{where} password_hash must be an argon2 hash, never a password (`wallet console-password` makes one)"
            )
        found[name] = Staff(name, role, password_hash)
    return found
