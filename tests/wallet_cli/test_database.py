"""The database URL a user may write, and the one line said when the database cannot be used."""

from __future__ import annotations

import socket

import pytest

from wallet_cli.database import explain, with_async_driver
from wallet_cli.errors import CommandError


@pytest.mark.parametrize(
    ("written", "run_with"),
    [
        ("postgresql://u:p@db:5432/wallet", "postgresql+asyncpg://u:p@db:5432/wallet"),
        ("postgres://u@db/wallet", "postgresql+asyncpg://u@db/wallet"),
        ("postgresql+asyncpg://u@db/wallet", "postgresql+asyncpg://u@db/wallet"),
        ("sqlite:///wallet.db", "sqlite+aiosqlite:///wallet.db"),
        ("sqlite+aiosqlite:////var/lib/wallet.db", "sqlite+aiosqlite:////var/lib/wallet.db"),
    ],
)
def test_a_url_without_the_async_driver_gets_it(written: str, run_with: str) -> None:
    assert with_async_driver(written) == run_with


@pytest.mark.parametrize("url", ["postgresql+psycopg://u@db/w", "sqlite+pysqlite:///w.db", "mysql://u@db/w", "w.db"])
def test_another_driver_or_database_is_a_command_error(url: str) -> None:
    with pytest.raises(CommandError):
        with_async_driver(url)


def test_a_connection_failure_is_said_in_one_line_and_the_rest_left_alone() -> None:
    url = "postgresql://postgres:secret@db:5432/wallet"
    assert (
        explain(TimeoutError(), url) == "the database server at postgresql://postgres:***@db:5432/wallet "
        "did not answer in time"
    )
    assert (
        explain(socket.gaierror(-2, "Name or service not known"), url)
        == "the database host of postgresql://postgres:***@db:5432/wallet is unknown (Name or service not known)"
    )
    assert (
        explain(ConnectionResetError(104, "Connection reset by peer"), "sqlite:///w.db")
        == "the connection to the database at w.db failed: Connection reset by peer"
    )
    assert explain(BrokenPipeError(32, "Broken pipe"), url) is None  # stdout's reader left
    assert explain(ValueError("a bug"), url) is None
