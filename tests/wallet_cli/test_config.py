"""The configuration file, the demo, and environment overrides."""

from __future__ import annotations

from pathlib import Path

from wallet_cli.config import load
from wallet_core.config import ClientToken, CoreSettings
from wallet_core.tokens import token_sha256


def test_environment_overrides_match_existing_keys_whatever_their_case(tmp_path: Path) -> None:
    path = tmp_path / "wallet.toml"
    path.write_text('[core]\nlisten = "127.0.0.1:1"\n[core.currencies]\nUSD = 2\n')
    config, is_demo = load(
        str(path),
        environ={
            "WALLET__CORE__LISTEN": "127.0.0.1:2",
            "WALLET__CORE__CURRENCIES__USD": "3",
            "WALLET__CORE__CURRENCIES__BRL": "2",
            "WALLET__CORE__POOL_SIZE": "4",
            "WALLET_DATABASE_URL": "postgresql+asyncpg://postgres@127.0.0.1/x",
            "UNRELATED": "1",
        },
    )
    assert not is_demo
    settings = CoreSettings.from_mapping(config["core"])
    assert settings.listen == "127.0.0.1:2"
    assert dict(settings.currencies) == {"USD": 3, "brl": 2}
    assert settings.pool_size == 4
    assert settings.database_url == "postgresql+asyncpg://postgres@127.0.0.1/x"


def test_database_url_flag_wins_over_the_environment() -> None:
    config, is_demo = load(None, "sqlite+aiosqlite:///flag.db", environ={"WALLET_DATABASE_URL": "sqlite:///env.db"})
    assert is_demo
    assert config["core"]["database_url"] == "sqlite+aiosqlite:///flag.db"


def test_the_demo_names_its_tokens_by_their_hash_only() -> None:
    config, _ = load(None, environ={})
    settings = CoreSettings.from_mapping(config["core"])
    assert "demo-admin-token" not in repr(settings)
    assert settings.clients and all(client.tokens for client in settings.clients)
    admin = next(client for client in settings.clients if client.admin)
    assert admin.tokens == (ClientToken(token_sha256("demo-admin-token")),)
