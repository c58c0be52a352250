from typing import Any

import pytest

from gateways.aigame.settings import DEFAULT_CURRENCIES, Settings
from gateways.kit.config import GatewayConfigError
from gateways.kit.core_connection import CoreConnection
from gateways.kit.ipallow import IpAllowlist
from gateways.kit.players import PlayerIds

MINIMAL: dict[str, Any] = {"core": {"address": "127.0.0.1:50051", "token": "core-token"}, "agents": {"agent001": "s1"}}


def test_a_minimal_section_takes_the_defaults() -> None:
    settings = Settings.from_mapping(MINIMAL)
    assert settings.core == CoreConnection("127.0.0.1:50051", "core-token")
    assert settings.core.deadline_seconds == 2.0
    assert dict(settings.agents) == {"agent001": "s1"}
    assert settings.allowed_ips.is_open
    assert settings.trusted_proxies == ()
    assert (
        dict(settings.currencies.to_wallet_codes)
        == dict(DEFAULT_CURRENCIES)
        == {"USD": "USD", "BRL": "BRL", "VND2": "VND2"}
    )
    assert settings.players == PlayerIds("")
    assert settings.timestamp_window_seconds == 600
    assert settings.body_limit_bytes == 65536
    assert settings.detail_rate_limit == "1 per 5 seconds"
    assert settings.rate_limit_storage == "async+memory://"


def test_every_setting_is_read() -> None:
    settings = Settings.from_mapping(
        {
            **MINIMAL,
            "core": {"address": "core:50051", "token": "t", "deadline_seconds": 1.5},
            "agents": {"agent001": "s1", "agent002": "s2"},
            "allowed_ips": ["203.0.113.0/24"],
            "trusted_proxies": ["10.0.0.1"],
            "currencies": {"VND": "VND2"},
            "player_id_prefix": "aig-",
            "timestamp_window_seconds": 300,
            "body_limit_bytes": 1024,
            "detail_rate_limit": "1 per 10 seconds",
            "rate_limit_storage": "async+memory://",
            "provisional": {"bet_failure_code": 800110},
        }
    )
    assert settings.core.deadline_seconds == 1.5
    assert set(settings.agents) == {"agent001", "agent002"}
    assert settings.allowed_ips == IpAllowlist.from_strings(["203.0.113.0/24"])
    assert settings.trusted_proxies == ("10.0.0.1",)
    assert dict(settings.currencies.to_wallet_codes) == {"VND": "VND2"}
    assert settings.players == PlayerIds("aig-")
    assert (settings.timestamp_window_seconds, settings.body_limit_bytes) == (300, 1024)
    assert settings.detail_rate_limit == "1 per 10 seconds"
    assert settings.provisional.bet_failure_code == 800110


def test_secrets_stay_out_of_the_settings_text() -> None:
    text = repr(Settings.from_mapping(MINIMAL))
    assert "core-token" not in text and "s1" not in text


@pytest.mark.parametrize(
    ("change", "names"),
    [
        ({"agents": {}}, "gateways.aigame.agents"),
        ({"agents": {"agent001": ""}}, "gateways.aigame.agents"),
        ({"core": {"address": "x:1"}}, "gateways.aigame.core.token"),
        ({"allowed_ips": ["not-an-ip"]}, "gateways.aigame.allowed_ips"),
        ({"currencies": {"VND": 2}}, "gateways.aigame.currencies"),
        ({"body_limit_bytes": 0}, "gateways.aigame.body_limit_bytes"),
        ({"provisional": {"nested_signing": "json"}}, "gateways.aigame.provisional.nested_signing"),
        ({"timestamp_window": 600}, "timestamp_window"),
        ({"detail_rate_limit": "once every five seconds"}, "gateways.aigame.detail_rate_limit"),
    ],
)
def test_bad_settings_are_refused_naming_the_key(change: dict[str, Any], names: str) -> None:
    with pytest.raises(GatewayConfigError, match=names.replace(".", r"\.")):
        Settings.from_mapping({**MINIMAL, **change})
