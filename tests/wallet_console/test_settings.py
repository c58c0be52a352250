"""The [console] table: what it takes, and the mistakes it refuses with a line saying where."""

from __future__ import annotations

from typing import Any

import pytest

from wallet_console.passwords import hash_password
from wallet_console.settings import ConsoleConfigError, Settings

HASH = hash_password("a-long-password")


def section(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "listen": "127.0.0.1:8090",
        "session_secret": "s" * 32,
        "core": {"address": "127.0.0.1:50051", "token": "t"},
        "staff": {"ann": {"role": "support", "password_hash": HASH}},
    }
    return {**base, **changes}


def test_a_console_section() -> None:
    settings = Settings.from_mapping(section(secure_cookie=True, session_minutes=30, trusted_proxies=["10.0.0.1"]))
    assert (settings.listen, settings.secure_cookie, settings.session_minutes) == ("127.0.0.1:8090", True, 30)
    assert settings.trusted_proxies == ("10.0.0.1",)
    assert settings.staff["ann"].role == "support"
    assert "a-long-password" not in repr(settings) and HASH not in repr(settings)


def test_failed_sign_ins_allowed_by_default_and_as_configured() -> None:
    default = Settings.from_mapping(section())
    assert (default.signin_attempts_per_name, default.signin_attempts_per_address) == (
        "5 per 15 minutes",
        "20 per 15 minutes",
    )
    given = Settings.from_mapping(section(signin_attempts_per_name="3 per hour", signin_attempts_per_address="9/hour"))
    assert (given.signin_attempts_per_name, given.signin_attempts_per_address) == ("3 per hour", "9/hour")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"staff": {"ann": {"role": "support", "password_hash": "plain"}}}, "must be an argon2 hash, never a password"),
        ({"staff": {"ann": {"role": "boss", "password_hash": HASH}}}, "role must be one of support, finance, admin"),
        ({"staff": {}}, "at least one staff member"),
        ({"session_secret": "short"}, "at least 16 characters"),
        ({"secure_cookie": "yes"}, "secure_cookie must be true or false"),
        ({"colour": "blue"}, "colour"),
        ({"core": {"address": "127.0.0.1:50051"}}, "console.core.token is required"),
        ({"signin_attempts_per_name": "5 per fortnight"}, "console.signin_attempts_per_name must read like"),
        ({"signin_attempts_per_address": 20}, "console.signin_attempts_per_address must be a non-empty string"),
    ],
)
def test_mistakes_are_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ConsoleConfigError, match=message):
        Settings.from_mapping(section(**changes))
