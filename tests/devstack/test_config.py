"""The configuration writer's files read back, through the wallet's own configuration readers, as the
settings they were written with: the core, the three gateways, and the files bench and faults write."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from bench import configs as bench_configs
from bench import history, payloads
from devstack.config import Identity, core_section, gateway_section, write_config
from devstack.ports import StackPorts
from faults import config as faults_config
from wallet_cli.commands import core_settings
from wallet_cli.config import load
from wallet_core.config import ClientToken, CoreSettings
from wallet_core.tokens import token_sha256


def read(path: Path) -> dict[str, Any]:
    config, is_demo = load(str(path), environ={})
    assert not is_demo
    return config


def gateway_settings(config: dict[str, Any], name: str) -> Any:
    """As `wallet gateway NAME` reads its section (the listen address is the command's)."""
    section = dict(config["gateways"][name])
    section.pop("listen")
    return importlib.import_module(f"gateways.{name}").Settings.from_mapping(section)


def test_a_core_reads_back_with_its_clients_and_currencies(tmp_path: Path) -> None:
    clients = [
        Identity("admin", "admin-token-0123456789", ["*"], admin=True),
        Identity("tests", "tests-token-0123456789", ["tests", "sud"]),
    ]
    folder = tmp_path / 'a "quoted" dir'
    folder.mkdir()  # `wallet` refuses a SQLite file in a folder that does not exist
    database_url = f"sqlite+aiosqlite:///{folder}/w.db"
    path = write_config(
        tmp_path / "core.toml",
        core=core_section(
            port=5001,
            database_url=database_url,
            currencies={"USD": 2, "COIN": 0},
            clients=clients,
            shutdown_grace_seconds=2,
            pool_size=7,
        ),
    )
    settings = core_settings(read(path))
    assert settings.listen == "127.0.0.1:5001"
    assert make_url(settings.database_url).database == f"{folder}/w.db"  # the URL may come back %-quoted
    assert settings.currencies == {"USD": 2, "COIN": 0}
    assert settings.pool_size == 7 and settings.shutdown_grace_seconds == 2
    assert [(c.name, c.tokens, sorted(c.providers), c.admin) for c in settings.clients] == [
        ("admin", (ClientToken(token_sha256("admin-token-0123456789")),), ["*"], True),
        ("tests", (ClientToken(token_sha256("tests-token-0123456789")),), ["sud", "tests"], False),
    ]


def test_without_a_pool_size_the_core_keeps_its_default(tmp_path: Path) -> None:
    path = write_config(
        tmp_path / "core.toml",
        core=core_section(port=1, database_url="sqlite+aiosqlite:///w.db", currencies={"USD": 2}, clients=[]),
    )
    assert core_settings(read(path)).pool_size == CoreSettings.pool_size


def test_a_gateway_reads_back_with_its_core_client(tmp_path: Path) -> None:
    aigame = gateway_section(
        port=6001,
        core_port=5001,
        token="gw-token-0123456789",
        core_client={"deadline_seconds": 2.5, "attempt_timeout_seconds": 0.5},
        agents={"agent": "secret"},
    )
    config = read(write_config(tmp_path / "gw.toml", gateways={"aigame": aigame}))
    assert "core" not in config
    assert config["gateways"]["aigame"]["listen"] == "127.0.0.1:6001"
    settings = gateway_settings(config, "aigame")
    assert settings.core.address == "127.0.0.1:5001" and settings.core.token == "gw-token-0123456789"
    assert (settings.core.deadline_seconds, settings.core.attempt_timeout_seconds) == (2.5, 0.5)
    assert dict(settings.agents) == {"agent": "secret"}


def test_the_benchmark_files_read_back(tmp_path: Path) -> None:
    core = core_settings(
        read(bench_configs.write_core_config(tmp_path / "core.toml", "sqlite+aiosqlite:///b.db", 5002, pool_size=12))
    )
    assert core.listen == "127.0.0.1:5002" and core.pool_size == 12 and core.currencies == {payloads.CURRENCY: 2}
    assert {c.tokens[0].sha256: (c.admin, set(c.providers)) for c in core.clients} == {
        token_sha256(bench_configs.ADMIN_TOKEN): (True, {"*"}),
        token_sha256(bench_configs.BENCH_TOKEN): (False, {payloads.PROVIDER}),
        token_sha256(bench_configs.GATEWAY_TOKEN): (False, {"aigame"}),
        token_sha256(bench_configs.HISTORY_TOKEN): (False, set(history.PROVIDERS)),
    }
    gateway = gateway_settings(read(bench_configs.write_gateway_config(tmp_path / "gw.toml", 6002, 5002)), "aigame")
    assert gateway.core.address == "127.0.0.1:5002" and gateway.core.token == bench_configs.GATEWAY_TOKEN
    assert dict(gateway.agents) == {payloads.AIGAME_AGENT: payloads.AIGAME_SECRET}


def test_the_benchmark_files_name_several_cores_and_their_metrics(tmp_path: Path) -> None:
    """The end-to-end case's cores (bench.replicas): a metrics port each, one gateway address list."""
    core = core_settings(
        read(bench_configs.write_core_config(tmp_path / "c.toml", "sqlite+aiosqlite:///b.db", 5002, None, 9002))
    )
    assert core.metrics_listen == "127.0.0.1:9002"
    gateway = gateway_settings(
        read(bench_configs.write_gateway_config(tmp_path / "g.toml", 6002, [5002, 5003])), "aigame"
    )
    assert gateway.core.address == "127.0.0.1:5002,127.0.0.1:5003"


def test_the_fault_drills_file_reads_back_for_every_process(tmp_path: Path) -> None:
    ports = StackPorts(5003, {"aigame": 6003, "hrg": 6004, "sud": 6005})
    config = read(faults_config.write_stack_config(tmp_path / "wallet.toml", "sqlite+aiosqlite:///f.db", ports))
    core = core_settings(config)
    assert core.listen == "127.0.0.1:5003" and core.shutdown_grace_seconds == 2
    assert {c.name for c in core.clients} == {
        "faults-admin",
        "operator",
        "aigame-gateway",
        "hrg-gateway",
        "sud-gateway",
        "relay",
    }
    for name in faults_config.GATEWAYS:
        assert config["gateways"][name]["listen"] == f"127.0.0.1:{ports.gateways[name]}"
        settings = gateway_settings(config, name)
        assert settings.core.address == "127.0.0.1:5003"
        assert settings.core.token == faults_config.gateway_token(name)
        assert settings.core.deadline_seconds == faults_config.DEADLINE_SECONDS
        assert settings.core.attempt_timeout_seconds == faults_config.ATTEMPT_TIMEOUT_SECONDS
