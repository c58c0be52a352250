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
    settings = Settings.from_mapping(section(secure_cookie=True, session_minutes=30))
    assert (settings.listen, settings.secure_cookie, settings.session_minutes) == ("127.0.0.1:8090", True, 30)
    assert settings.staff["ann"].role == "support"
    assert "a-long-password" not in repr(settings) and HASH not in repr(settings)


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
    ],
)
def test_mistakes_are_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ConsoleConfigError, match=message):
        Settings.from_mapping(section(**changes))
