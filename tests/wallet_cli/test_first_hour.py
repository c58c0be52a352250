"""What a new user meets in a first hour, as they meet it: the `wallet` command run as a process. Every
failure is one line on stderr (`wallet: …`) and a non-zero exit, never a traceback; read-only commands
print their answer and nothing else."""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from devstack.ports import free_port
from tests.support.ledger import open_ledger
from tests.wallet_cli.demo_config import demo_config_at, environment, fresh_addresses, wallet
from wallet_core.domain import Kind, MoneyRequest


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(wallet(*args), capture_output=True, text=True, timeout=60, env=environment(), cwd=cwd)


def refused_in_one_line(result: subprocess.CompletedProcess[str]) -> str:
    """The one line a failed command printed, once checked that it is one line and the exit is not 0."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("wallet: "), result.stderr
    return lines[0]


@contextmanager
def taken(address: str, *, reuse_port: bool = False) -> Iterator[None]:
    """Another program listening on `address` (with SO_REUSEPORT: as a running core does)."""
    host, _, port = address.rpartition(":")
    with socket.socket() as other:
        if reuse_port:
            other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        other.bind((host, int(port)))
        other.listen()
        yield


# --- the database ----------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_a_postgres_database_that_does_not_exist(database_url: str, tmp_path: Path) -> None:
    missing = make_url(database_url).set(database=f"nope_{uuid.uuid4().hex[:8]}")
    line = refused_in_one_line(
        run("accounts", "show", "demo1", "--database-url", missing.render_as_string(hide_password=False), cwd=tmp_path)
    )
    assert f'database "{missing.database}" does not exist' in line
    assert f"createdb {missing.database}" in line and "wallet db upgrade" in line


def test_a_database_server_that_does_not_answer(tmp_path: Path) -> None:
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/wallet"
    for command in (["db", "upgrade"], ["accounts", "show", "demo1"], ["verify"], ["report"]):
        line = refused_in_one_line(run(*command, "--database-url", url, cwd=tmp_path))
        assert line == f"wallet: no database server answers at {url} (connection refused): is it running?"


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_a_postgresql_url_without_its_driver_runs_with_asyncpg(database_url: str, tmp_path: Path) -> None:
    async with open_ledger(database_url) as ledger:
        await ledger.create_account("alice", "USD", "12.34")
    as_psql_writes_it = database_url.replace("postgresql+asyncpg://", "postgresql://")
    shown = run("accounts", "show", "alice", "--database-url", as_psql_writes_it, cwd=tmp_path)
    assert shown.returncode == 0 and "12.34" in shown.stdout, shown.stderr
    assert shown.stderr == ""


def test_another_driver_or_database_is_refused_in_one_line(tmp_path: Path) -> None:
    for url, said in [
        ("postgresql+psycopg2://postgres@127.0.0.1/wallet", "postgresql is used through asyncpg"),
        ("mysql://root@127.0.0.1/wallet", "the wallet stores its ledger in PostgreSQL or SQLite, not mysql"),
        ("wallet.db", "not a database URL: 'wallet.db'"),
    ]:
        assert said in refused_in_one_line(run("accounts", "show", "p", "--database-url", url, cwd=tmp_path))


def test_a_sqlite_file_that_does_not_exist_is_not_created(tmp_path: Path) -> None:
    database = tmp_path / "typo.db"
    for command in (["accounts", "show", "demo1"], ["verify"], ["report"], ["raw-request", "aigame", "debit", "1"]):
        line = refused_in_one_line(run(*command, "--database-url", f"sqlite:///{database}", cwd=tmp_path))
        assert line == f"wallet: no database at {database}: run `wallet db upgrade` first (it creates the file)"
    assert not database.exists()
    folder = tmp_path / "no" / "such" / "folder" / "wallet.db"
    line = refused_in_one_line(run("db", "upgrade", "--database-url", f"sqlite:///{folder}", cwd=tmp_path))
    assert line == f"wallet: cannot open the SQLite database {folder}: its folder {folder.parent} does not exist"


def test_a_database_not_migrated_says_wallet_db_upgrade(tmp_path: Path) -> None:
    database = tmp_path / "empty.db"
    sqlite3.connect(database).close()  # an existing file without the wallet's schema
    url = f"sqlite+aiosqlite:///{database}"
    for command in (["accounts", "show", "demo1"], ["accounts", "create", "p", "USD"], ["verify"], ["report"]):
        line = refused_in_one_line(run(*command, "--database-url", url, cwd=tmp_path))
        assert line == f"wallet: the database {url} is not at the newest schema: run `wallet db upgrade` first"


async def test_read_only_commands_print_their_answer_and_no_log_line(database_url: str, tmp_path: Path) -> None:
    async with open_ledger(database_url) as ledger:
        await ledger.create_account("alice", "USD", "10.00")
        await ledger.debit(
            MoneyRequest.prepare(
                ledger.currencies, Kind.DEBIT, "aigame", "b1", "alice", "USD", "1.00", raw_request='{"b":1}'
            )
        )
    for command in (["accounts", "show", "alice"], ["report"], ["raw-request", "aigame", "debit", "b1"]):
        # At the default log level (INFO), where Alembic used to log its context twice.
        result = run(*command, "--database-url", database_url, cwd=tmp_path)
        assert (result.returncode, result.stderr) == (0, ""), result.stderr
        assert result.stdout.endswith("\n") and result.stdout.strip()


def test_a_configuration_file_that_is_missing_or_not_toml(tmp_path: Path) -> None:
    line = refused_in_one_line(run("verify", "--config", "nope.toml", cwd=tmp_path))
    assert line == "wallet: the configuration nope.toml: No such file or directory"
    (tmp_path / "bad.toml").write_text("[core\n")
    line = refused_in_one_line(run("verify", "--config", "bad.toml", cwd=tmp_path))
    assert line.startswith("wallet: the configuration bad.toml is not valid TOML: ")


# --- the ports ----------------------------------------------------------------------------


@pytest.mark.parametrize(("port", "what"), [("core", "core"), ("metrics", "core metrics"), ("hrg", "hrg gateway")])
def test_wallet_up_refuses_a_taken_port_before_it_starts_anything(port: str, what: str, tmp_path: Path) -> None:
    """A second `make run`: nothing is migrated, nothing listens, one line says which address is taken."""
    addresses = fresh_addresses()
    config = demo_config_at(tmp_path / "wallet.toml", addresses, tmp_path / "wallet.db")
    # A running core opens its port with SO_REUSEPORT, which would let a second one share it.
    with taken(addresses[port], reuse_port=port == "core"):
        line = refused_in_one_line(run("up", "--config", str(config), cwd=tmp_path))
    assert line == f"wallet: {addresses[port]} ({what}) is already in use: is another wallet running?"
    assert not (tmp_path / "wallet.db").exists()


def test_wallet_core_and_wallet_gateway_refuse_a_taken_port(tmp_path: Path) -> None:
    addresses = fresh_addresses()
    config = demo_config_at(tmp_path / "wallet.toml", addresses, tmp_path / "wallet.db")
    run("db", "upgrade", "--config", str(config), cwd=tmp_path)
    with taken(addresses["metrics"]):
        line = refused_in_one_line(run("core", "--config", str(config), cwd=tmp_path))
    assert line == f"wallet: {addresses['metrics']} (core metrics) is already in use: is another wallet running?"
    with taken(addresses["core"]):  # not shared: another program, without SO_REUSEPORT
        line = refused_in_one_line(run("core", "--config", str(config), cwd=tmp_path))
    assert line == f"wallet: {addresses['core']} (core) is already in use: is another wallet running?"
    with taken(addresses["sud"]):
        line = refused_in_one_line(run("gateway", "sud", "--config", str(config), cwd=tmp_path))
    assert line == f"wallet: {addresses['sud']} (sud gateway) is already in use: is another wallet running?"
    config.write_text(config.read_text().replace(f'"{addresses["metrics"]}"', '"127.0.0.1:metrics"'))
    line = refused_in_one_line(run("core", "--config", str(config), cwd=tmp_path))
    assert line == "wallet: core metrics: listen on \"HOST:PORT\", not '127.0.0.1:metrics'"
