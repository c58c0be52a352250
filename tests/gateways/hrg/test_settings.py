from __future__ import annotations

import tomllib
from dataclasses import replace
from typing import Any

import pytest

from gateways.hrg import Settings
from gateways.kit.config import GatewayConfigError

CORE = {"address": "127.0.0.1:50051", "token": "demo-hrg-gateway-token"}
SECRET = "a-shared-secret-of-some-length"

DEMO_SECTION = """
[gateways.hrg]
listen = "127.0.0.1:8082"
currency = "USD"
allowed_ips = ["127.0.0.1/32", "::1/128"]

[gateways.hrg.core]
address = "127.0.0.1:50051"
token = "demo-hrg-gateway-token"
"""


def section(**overrides: Any) -> dict[str, Any]:
    return {"core": CORE, "currency": "USD", "allowed_ips": ["203.0.113.0/24"], **overrides}


def test_the_demo_section_as_the_cli_passes_it() -> None:
    table = dict(tomllib.loads(DEMO_SECTION)["gateways"]["hrg"])
    table.pop("listen")
    settings = Settings.from_mapping(table)
    assert settings.currency == "USD"
    assert settings.allowed_ips.allows("127.0.0.1") and settings.allowed_ips.allows("::1")
    assert not settings.allowed_ips.allows("192.0.2.1")
    assert (settings.core.address, settings.core.token) == ("127.0.0.1:50051", "demo-hrg-gateway-token")
    assert settings.callback_prefix == "/hrg"
    assert settings.shared_secret == ""
    assert settings.timestamp_window_seconds == 300.0


def test_every_key() -> None:
    settings = Settings.from_mapping(
        section(
            shared_secret=SECRET,
            callback_prefix="/wallet/hrg",
            trusted_proxies=["10.0.0.1"],
            player_id_prefix="hrg-",
            timestamp_window_seconds=60,
            body_limit_bytes=1024,
            provisional={"auth_failure_code": "1039"},
        )
    )
    assert settings.shared_secret == SECRET
    assert settings.callback_prefix == "/wallet/hrg"
    assert settings.trusted_proxies == ("10.0.0.1",)
    assert settings.players.to_wallet("u1") == "hrg-u1"
    assert (settings.timestamp_window_seconds, settings.body_limit_bytes) == (60.0, 1024)
    assert settings.provisional.auth_failure_code == "1039"
    assert SECRET not in repr(settings)


def test_a_shared_secret_alone_guards_the_endpoints() -> None:
    assert Settings.from_mapping(section(allowed_ips=[], shared_secret=SECRET)).allowed_ips.is_open


def test_open_endpoints_are_refused_unless_asked_for() -> None:
    with pytest.raises(GatewayConfigError, match="open to anyone"):
        Settings.from_mapping(section(allowed_ips=[]))
    with pytest.raises(GatewayConfigError, match="open to anyone"):
        Settings.from_mapping({"core": CORE, "currency": "USD"})
    settings = Settings.from_mapping(section(allowed_ips=[], allow_any_source=True))
    assert settings.allowed_ips.is_open and settings.allow_any_source


def test_settings_made_in_code_are_refused_open_too() -> None:
    settings = Settings.from_mapping(section())
    with pytest.raises(GatewayConfigError, match="open to anyone"):
        replace(settings, allowed_ips=replace(settings.allowed_ips, networks=()))


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"allow_any_source": True}, "contradicts"),
        ({"allow_any_source": "yes"}, "allow_any_source"),
        ({"shared_secret": "short"}, "shared_secret"),
        ({"shared_secret": "a secret with spaces in it"}, "shared_secret"),
        ({"shared_secret": "sécret-sécret-sécret"}, "shared_secret"),
        ({"shared_secret": 12345678901234567}, "shared_secret"),
        ({"allowed_ips": ["not-an-ip"]}, "allowed_ips"),
        ({"allowed_ips": "127.0.0.1"}, "allowed_ips"),
        ({"callback_prefix": "hrg"}, "callback_prefix"),
        ({"callback_prefix": "/hrg/"}, "callback_prefix"),
        ({"callback_prefix": "/h rg"}, "callback_prefix"),
        ({"currency": ""}, "currency"),
        ({"timestamp_window_seconds": 0}, "timestamp_window_seconds"),
        ({"body_limit_bytes": -1}, "body_limit_bytes"),
        ({"core": {"address": "127.0.0.1:50051"}}, "core.token"),
        ({"provisional": {"auth_failure_code": "8001"}}, "provisional"),
        ({"listen": "127.0.0.1:8082"}, "listen"),
        ({"secret": SECRET}, "secret"),
    ],
)
def test_bad_settings_are_refused_naming_the_key(overrides: dict[str, Any], problem: str) -> None:
    with pytest.raises(GatewayConfigError, match=r"gateways\.hrg") as refused:
        Settings.from_mapping(section(**overrides))
    assert problem in str(refused.value)


def test_a_currency_is_required() -> None:
    mapping = section()
    del mapping["currency"]
    with pytest.raises(GatewayConfigError, match=r"gateways\.hrg\.currency is required"):
        Settings.from_mapping(mapping)


def test_the_section_must_be_a_table() -> None:
    with pytest.raises(GatewayConfigError, match="must be a table"):
        Settings.from_mapping(["currency"])  # type: ignore[arg-type]
