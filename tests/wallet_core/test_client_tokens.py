"""Core client tokens in the configuration (by hash, with not_after) and the Authenticator's clock."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from wallet_core.auth import Authenticator
from wallet_core.config import Client, ClientToken, ConfigError, CoreSettings
from wallet_core.errors import WalletError
from wallet_core.tokens import config_entry, new_token, token_sha256

OLD, NEW = "old-token-0123456789", "new-token-0123456789"
SWITCH = datetime(2027, 1, 31, 12, tzinfo=UTC)


def _settings(**client: Any) -> CoreSettings:
    return CoreSettings.from_mapping({"clients": [{"name": "gw", "providers": ["aigame"], **client}]})


def _bearer(token: str) -> list[tuple[str, str]]:
    return [("authorization", f"Bearer {token}")]


def test_a_client_has_several_tokens_each_by_hash_with_an_optional_not_after() -> None:
    settings = _settings(
        tokens=[
            {"sha256": token_sha256(OLD), "not_after": SWITCH},
            {"sha256": token_sha256(NEW).upper(), "not_after": "2027-06-30T00:00:00+02:00"},
            {"sha256": token_sha256("third-token-0123456789")},
        ]
    )
    assert settings.clients[0].tokens == (
        ClientToken(token_sha256(OLD), SWITCH),
        ClientToken(token_sha256(NEW), datetime(2027, 6, 30, tzinfo=UTC) - timedelta(hours=2)),
        ClientToken(token_sha256("third-token-0123456789")),
    )


def test_a_plain_token_is_refused_with_the_line_that_replaces_it() -> None:
    with pytest.raises(ConfigError) as refused:
        _settings(token=OLD)
    message = str(refused.value)
    assert message == (
        "[[core.clients]] #1 (gw): the core keeps a token's hash, not the token: "
        f'replace token = ... with tokens = [{{ sha256 = "{token_sha256(OLD)}" }}]'
    )
    assert OLD not in message


@pytest.mark.parametrize(
    ("client", "says"),
    [
        ({}, "needs tokens = ["),
        ({"tokens": []}, "`wallet tokens new gw` makes one"),
        ({"tokens": ["abc"]}, "each token is"),
        ({"tokens": [{"sha256": "12" * 31}]}, "64 hexadecimal digits"),
        ({"tokens": [{"sha256": "zz" * 32}]}, "64 hexadecimal digits"),
        ({"tokens": [{"sha256": token_sha256(OLD), "expires": SWITCH}]}, "each token is"),
        ({"tokens": [{"sha256": token_sha256(OLD), "not_after": "2027-01-31"}]}, "with its offset"),
        ({"tokens": [{"sha256": token_sha256(OLD), "not_after": datetime(2027, 1, 31)}]}, "with its offset"),
        ({"tokens": [{"sha256": token_sha256(OLD), "not_after": "soon"}]}, "with its offset"),
        ({"tokens": [{"sha256": token_sha256(OLD)}], "secret": "x"}, "unknown keys: secret"),
        ({"tokens": [{"sha256": token_sha256(OLD)}] * 2}, "must be unique"),
    ],
)
def test_a_wrong_token_entry_is_refused_in_one_line(client: dict[str, Any], says: str) -> None:
    with pytest.raises(ConfigError) as refused:
        _settings(**client)
    assert says in str(refused.value)


def test_the_same_hash_for_two_clients_is_refused() -> None:
    entry = {"sha256": token_sha256(OLD)}
    with pytest.raises(ConfigError, match="token hashes must be unique"):
        CoreSettings.from_mapping({"clients": [{"name": "a", "tokens": [entry]}, {"name": "b", "tokens": [entry]}]})


def test_both_tokens_work_until_the_old_ones_not_after_then_only_the_new_one() -> None:
    client = Client("gw", (ClientToken(token_sha256(OLD), SWITCH), ClientToken(token_sha256(NEW))), frozenset({"a"}))
    now = SWITCH.timestamp()
    authenticator = Authenticator([client], clock=lambda: now)
    assert authenticator.identify(_bearer(OLD)) is client  # not_after itself is still valid
    assert authenticator.identify(_bearer(NEW)) is client
    now += 0.001
    with pytest.raises(WalletError) as expired:
        authenticator.identify(_bearer(OLD))
    assert (expired.value.reason, expired.value.metadata) == (
        "TOKEN_EXPIRED",
        {"client": "gw", "not_after": SWITCH.isoformat()},
    )
    assert authenticator.identify(_bearer(NEW)) is client


def test_new_tokens_are_random_and_their_line_pastes_into_the_configuration() -> None:
    token = new_token()
    assert token != new_token() and len(token) >= 40 and token.isascii() and " " not in token
    line = config_entry(token, SWITCH)
    assert line == f'{{ sha256 = "{token_sha256(token)}", not_after = 2027-01-31T12:00:00+00:00 }}'
    pasted = tomllib.loads(f'[[core.clients]]\nname = "gw"\ntokens = [\n  {line},\n]\n')
    assert CoreSettings.from_mapping(pasted["core"]).clients[0].tokens == (ClientToken(token_sha256(token), SWITCH),)


def _relay(**more: Any) -> CoreSettings:
    return CoreSettings.from_mapping(
        {"clients": [{"name": "relay", "relay": True, "tokens": [{"sha256": token_sha256(NEW)}], **more}]}
    )


def test_a_relay_client_has_the_relay_scope_and_nothing_else() -> None:
    (relay,) = _relay().clients
    assert relay.relay and not relay.admin and not relay.providers
    assert not _settings(tokens=[{"sha256": token_sha256(OLD)}]).clients[0].relay  # the default


@pytest.mark.parametrize("more", [{"providers": ["aigame"]}, {"admin": True}])
def test_a_relay_client_may_not_also_act_for_providers_or_as_an_admin(more: dict[str, Any]) -> None:
    with pytest.raises(ConfigError, match="a relay client"):
        _relay(**more)


def test_relay_is_true_or_false() -> None:
    with pytest.raises(ConfigError, match="relay must be true or false"):
        _relay(relay="yes")


def test_a_client_is_a_reconcile_client_only_when_it_says_so() -> None:
    plain = _settings(tokens=[{"sha256": token_sha256(OLD)}]).clients[0]
    reconciler = _settings(tokens=[{"sha256": token_sha256(OLD)}], reconcile=True).clients[0]
    assert (plain.reconcile, reconciler.reconcile, reconciler.admin) == (False, True, False)
