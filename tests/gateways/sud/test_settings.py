from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from gateways.kit.config import GatewayConfigError
from gateways.sud import Settings
from gateways.sud.provisional import TimestampUnit


def minimal(**overrides: Any) -> dict[str, Any]:
    return {
        "app_id": "demo-app",
        "app_secret": "demo-secret",
        "currency": "USD",
        "point_value": "1.00",
        "core": {"address": "127.0.0.1:50051", "token": "demo-sud-gateway-token"},
        **overrides,
    }


def test_the_demo_section() -> None:
    settings = Settings.from_mapping(minimal())
    assert (settings.app_id, settings.app_secret, settings.currency) == ("demo-app", "demo-secret", "USD")
    assert settings.points.point_value == Decimal("1.00")
    assert (settings.core.address, settings.core.token) == ("127.0.0.1:50051", "demo-sud-gateway-token")
    assert settings.allowed_ips.is_open
    assert settings.trusted_proxies == ()
    assert settings.players.to_wallet("u001") == "u001"
    assert (settings.timestamp_window_seconds, settings.body_limit_bytes) == (600.0, 65536)
    assert settings.provisional.timestamp_unit is TimestampUnit.AUTO
    assert settings.update_score_id_prefix == "us:"


def test_every_key() -> None:
    settings = Settings.from_mapping(
        minimal(
            allowed_ips=["203.0.113.0/24"],
            trusted_proxies=["10.0.0.1"],
            player_id_prefix="sud-",
            timestamp_window_seconds=120,
            body_limit_bytes=1024,
            provisional={"timestamp_unit": "ms"},
            point_value="0.01",
            update_score_id_prefix="",
        )
    )
    assert settings.allowed_ips.allows("203.0.113.9") and not settings.allowed_ips.allows("198.51.100.1")
    assert settings.trusted_proxies == ("10.0.0.1",)
    assert settings.players.to_wallet("u001") == "sud-u001"
    assert (settings.timestamp_window_seconds, settings.body_limit_bytes) == (120.0, 1024)
    assert settings.provisional.timestamp_unit is TimestampUnit.MILLISECONDS
    assert settings.points.point_value == Decimal("0.01")
    assert settings.update_score_id_prefix == ""


def test_secrets_are_not_in_the_repr() -> None:
    text = repr(Settings.from_mapping(minimal()))
    assert "demo-secret" not in text and "demo-sud-gateway-token" not in text


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"app_id": None}, "gateways.sud.app_id is required"),
        ({"app_secret": ""}, "gateways.sud.app_secret must be a non-empty string"),
        ({"currency": None}, "gateways.sud.currency is required"),
        ({"point_value": None}, "gateways.sud.point_value is required"),
        ({"point_value": 0.01}, "gateways.sud.point_value must be a non-empty string"),  # never a float
        ({"point_value": "0"}, "gateways.sud.point_value: point value '0' must be positive"),
        ({"point_value": "1e-2"}, "gateways.sud.point_value: point value '1e-2' is not a plain decimal string"),
        ({"core": None}, "gateways.sud.core.address is required"),
        ({"allowed_ips": ["not-an-ip"]}, "gateways.sud.allowed_ips"),
        ({"timestamp_window_seconds": 0}, "gateways.sud.timestamp_window_seconds must be a positive number"),
        ({"body_limit_bytes": "64k"}, "gateways.sud.body_limit_bytes must be a positive integer"),
        ({"provisional": {"timestamp_unit": "h"}}, "gateways.sud.provisional.timestamp_unit"),
        ({"update_score_id_prefix": "update-score:"}, "gateways.sud.update_score_id_prefix: at most 8 characters"),
        ({"update_score_id_prefix": 1}, "gateways.sud.update_score_id_prefix must be a string"),
        ({"secret": "x"}, "unknown settings in gateways.sud: secret"),
        ({"listen": "127.0.0.1:8083"}, "unknown settings in gateways.sud: listen"),
    ],
)
def test_bad_settings_are_refused_by_name(overrides: dict[str, Any], message: str) -> None:
    data = {key: value for key, value in minimal(**overrides).items() if value is not None}
    with pytest.raises(GatewayConfigError, match=message):
        Settings.from_mapping(data)
