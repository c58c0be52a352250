"""Every gateway secret and core token can come from the file itself, a file or an environment variable
(gateways/kit/secrets.py), as container platforms hand secrets over."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gateways.aigame import Settings as AIGameSettings
from gateways.hrg import Settings as HRGSettings
from gateways.kit.config import ConfigReader, GatewayConfigError
from gateways.sud import Settings as SudSettings
from tests.gateways.aigame.conftest import running_aigame
from tests.gateways.aigame.vendor import AGENT_ID, SECRET
from tests.gateways.hrg import conftest as hrg
from tests.gateways.sud import conftest as sud
from tests.support.core import CoreHandle


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret"
    path.write_text("from-a-file-0123456789\n")  # as `echo` or a platform writes it: the newline is not the secret
    return path


def test_a_secret_is_read_inline_from_a_file_or_from_the_environment(
    secret_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WALLET_TEST_SECRET", "from-the-environment")
    assert ConfigReader({"token": "inline-secret"}, "g").secret("token") == "inline-secret"
    assert ConfigReader({"token_file": str(secret_file)}, "g").secret("token") == "from-a-file-0123456789"
    assert ConfigReader({"token_env": "WALLET_TEST_SECRET"}, "g").secret("token") == "from-the-environment"
    assert ConfigReader({}, "g").secret("token", "") == ""


@pytest.mark.parametrize(
    ("section", "says"),
    [
        ({}, "g.token is required (or token_file, token_env)"),
        ({"token": "a", "token_env": "WALLET_TEST_SECRET"}, "give one of token, token_file, token_env, not token and"),
        ({"token_file": "/nonexistent/secret"}, "g.token_file: cannot read the secret file /nonexistent/secret"),
        ({"token_env": "WALLET_TEST_UNSET"}, "g.token_env: the environment variable WALLET_TEST_UNSET is not set"),
        ({"token_env": "WALLET_TEST_EMPTY"}, "WALLET_TEST_EMPTY is not set or empty"),
        ({"token_file": ""}, "g.token_file must be a non-empty string"),
    ],
)
def test_a_secret_that_cannot_be_read_is_one_line_naming_its_key(
    section: dict[str, Any], says: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WALLET_TEST_SECRET", "x")
    monkeypatch.setenv("WALLET_TEST_EMPTY", "")
    monkeypatch.delenv("WALLET_TEST_UNSET", raising=False)
    with pytest.raises(GatewayConfigError) as refused:
        ConfigReader(section, "g").secret("token")
    assert says in str(refused.value)


def test_an_empty_secret_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty").write_text("\n")
    with pytest.raises(GatewayConfigError, match="is empty"):
        ConfigReader({"token_file": str(tmp_path / "empty")}, "g").secret("token")


def test_each_gateways_secrets_from_files_and_variables(secret_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WALLET_TEST_CORE_TOKEN", "core-token-from-env")
    monkeypatch.setenv("WALLET_TEST_AGENT", "agent-secret-from-env")
    core = {"address": "127.0.0.1:1", "token_env": "WALLET_TEST_CORE_TOKEN"}
    aigame = AIGameSettings.from_mapping(
        {"core": core, "agents": {"a1": {"file": str(secret_file)}, "a2": {"env": "WALLET_TEST_AGENT"}, "a3": "x"}}
    )
    assert aigame.core.token == "core-token-from-env"
    assert dict(aigame.agents) == {"a1": "from-a-file-0123456789", "a2": "agent-secret-from-env", "a3": "x"}
    mapping = hrg.settings_mapping("127.0.0.1:1", "t")
    del mapping["shared_secret"]
    hrg_settings = HRGSettings.from_mapping({**mapping, "core": core, "shared_secret_file": str(secret_file)})
    assert (hrg_settings.shared_secret, hrg_settings.core.token) == ("from-a-file-0123456789", "core-token-from-env")
    mapping = sud.settings_mapping("127.0.0.1:1", "t")
    del mapping["app_secret"]
    sud_settings = SudSettings.from_mapping({**mapping, "core": core, "app_secret_env": "WALLET_TEST_AGENT"})
    assert (sud_settings.app_secret, sud_settings.core.token) == ("agent-secret-from-env", "core-token-from-env")


@pytest.mark.parametrize("entry", [{}, {"file": ""}, {"path": "/x"}, {"file": "/x", "env": "X"}, 7, ""])
def test_an_agent_entry_that_is_not_a_secret_or_its_source_is_refused(entry: object) -> None:
    with pytest.raises(GatewayConfigError, match=r"gateways\.aigame\.agents\.a1 must be a non-empty string"):
        AIGameSettings.from_mapping({"core": {"address": "127.0.0.1:1", "token": "t"}, "agents": {"a1": entry}})


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_gateway_whose_agent_secret_is_in_a_file_moves_money(core: CoreHandle, tmp_path: Path) -> None:
    (tmp_path / "agent").write_text(SECRET + "\n")
    async with running_aigame(core, agents={AGENT_ID: {"file": str(tmp_path / "agent")}}) as aigame:
        user = await aigame.player("100.00")
        assert await aigame.code("bet", aigame.vendor.bet(user, "b1", "1.00")) == 200
        assert str(await aigame.balance_of(user)) == "99.00"
