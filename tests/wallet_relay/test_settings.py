"""The relay's [relay] table."""

from __future__ import annotations

from typing import Any

import pytest

from gateways.kit.config import GatewayConfigError
from wallet_relay.settings import DEFAULT_STREAM, DEFAULT_SUBJECT_PREFIX, RelaySettings

CORE = {"address": "127.0.0.1:50051", "token": "relay-token-0123456789"}


def test_defaults_and_the_core_table() -> None:
    settings = RelaySettings.from_mapping({"nats_url": "nats://127.0.0.1:4222", "core": CORE})
    assert (settings.stream, settings.subject_prefix, settings.lease_seconds) == (
        DEFAULT_STREAM,
        DEFAULT_SUBJECT_PREFIX,
        30,
    )
    assert settings.core.address == "127.0.0.1:50051" and settings.name  # a name of its own
    assert "relay-token" not in repr(settings)


def test_two_relays_get_different_names() -> None:
    assert RelaySettings.from_mapping({"core": CORE}).name != RelaySettings.from_mapping({"core": CORE}).name


@pytest.mark.parametrize(
    ("section", "says"),
    [
        ({"core": CORE, "colour": "red"}, "colour"),
        ({"core": CORE, "lease_seconds": 200}, "duplicate_window_seconds must be longer than lease_seconds"),
        ({"core": {"address": "127.0.0.1:1"}}, "token"),
    ],
)
def test_a_wrong_table_is_refused(section: dict[str, Any], says: str) -> None:
    with pytest.raises((GatewayConfigError, ValueError), match=says):
        RelaySettings.from_mapping(section)
