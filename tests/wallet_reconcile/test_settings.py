"""The [reconcile] section: what it reads, and one line naming what is wrong."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from wallet_cli.config import demo_text
from wallet_reconcile.aigame import AIGameQuery
from wallet_reconcile.queries import ReconcileConfigError
from wallet_reconcile.settings import duration, reconcile_settings


def _config(**aigame: Any) -> dict[str, Any]:
    table = {"base_url": "http://aigame", "agent_id": "a1", "core": {"token": "t"}, **aigame}
    return {
        "gateways": {"aigame": {"agents": {"a1": "s1"}, "player_id_prefix": "aig-", "currencies": {"VND": "VND2"}}},
        "reconcile": {"older_than": "2h", "providers": {"aigame": table, "sud": {"core": {"token": "t2"}}}},
    }


async def test_the_settings_read_each_provider_with_its_query_and_core_token() -> None:
    settings = reconcile_settings(_config())
    assert settings is not None
    assert settings.older_than == timedelta(hours=2)
    aigame, sud = settings.providers["aigame"], settings.providers["sud"]
    assert (aigame.core.address, aigame.core.token, sud.core.token, sud.query) == ("127.0.0.1:50051", "t", "t2", None)
    assert isinstance(aigame.query, AIGameQuery)
    assert (aigame.query.player_id_prefix, aigame.query.currencies, aigame.query.on_missing) == (
        "aig-",
        {"VND": "VND2"},
        "review",
    )
    assert aigame.query.records.agent_id == "a1"
    await aigame.query.aclose()


async def test_the_demo_configures_aigame_and_lists_hrg_and_sud_for_manual_handling() -> None:
    import tomllib

    settings = reconcile_settings(tomllib.loads(demo_text()))
    assert settings is not None
    assert sorted(settings.providers) == ["aigame", "hrg", "sud"]
    assert [name for name, p in settings.providers.items() if p.query is None] == ["hrg", "sud"]
    query = settings.providers["aigame"].query
    assert query is not None
    await query.aclose()


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"on_missing": "pay"}, "on_missing must be one of"),
        ({"agent_id": "nobody"}, "secret is required"),
        ({"interval_seconds": 0}, "interval_seconds must be a positive number"),
        ({"colour": "red"}, "unknown settings in reconcile.providers.aigame: colour"),
        ({"core": {}}, "reconcile.providers.aigame.core.token is required"),
    ],
)
def test_a_wrong_key_is_named(change: dict[str, Any], words: str) -> None:
    with pytest.raises(ReconcileConfigError, match=words):
        reconcile_settings(_config(**change))


def test_the_section_itself_is_checked() -> None:
    assert reconcile_settings({}) is None
    for section, words in (
        ({"providers": {}}, "at least one"),
        ({"every": "day", "providers": {"hrg": {}}}, "unknown keys: every"),
        ({"providers": {"hrg": {"base_url": "x", "core": {"token": "t"}}}}, "has no record query"),
        ({"older_than": "10 minutes", "providers": {"hrg": {}}}, "older_than"),
    ):
        with pytest.raises(ReconcileConfigError, match=words):
            reconcile_settings({"reconcile": section})
    assert duration("90s") == timedelta(seconds=90) and duration("1d") == timedelta(days=1)
