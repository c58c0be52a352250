"""`[gateways.<name>.server]`: the kit's connection limits, read by the CLI before the gateway's own settings."""

import pytest

from gateways.kit.connection_limits import ConnectionLimits
from wallet_cli import commands
from wallet_cli.errors import CommandError

AIGAME = {"listen": "127.0.0.1:8081", "core": {"address": "127.0.0.1:50051", "token": "t"}, "agents": {"a": "s"}}


def test_a_gateway_serves_under_its_server_table() -> None:
    config = {"gateways": {"aigame": {**AIGAME, "server": {"max_connections": 64, "read_timeout_seconds": 4}}}}
    served = commands._gateway_app("aigame", config)
    assert served.limits == ConnectionLimits(max_connections=64, read_timeout_seconds=4.0)


def test_without_a_server_table_the_defaults_apply() -> None:
    assert commands._gateway_app("aigame", {"gateways": {"aigame": AIGAME}}).limits == ConnectionLimits()


def test_a_misspelt_limit_stops_the_start() -> None:
    config = {"gateways": {"aigame": {**AIGAME, "server": {"max_conections": 64}}}}
    with pytest.raises(CommandError, match=r"gateways\.aigame\.server: max_conections"):
        commands._gateway_app("aigame", config)
