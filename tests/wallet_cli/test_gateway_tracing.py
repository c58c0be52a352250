"""`[gateways.<name>.tracing]`: read by the CLI, like the server's limits, before the gateway's own settings."""

from typing import Any

import pytest
from starlette.applications import Starlette

from gateways.kit.tracing import ServerSpanMiddleware
from wallet_cli import commands
from wallet_cli.errors import CommandError


def middleware(app: Starlette) -> list[Any]:
    return [entry.cls for entry in app.user_middleware]


AIGAME = {"listen": "127.0.0.1:8081", "core": {"address": "127.0.0.1:50051", "token": "t"}, "agents": {"a": "s"}}


def test_a_gateway_traced_as_its_table_says() -> None:
    config = {"gateways": {"aigame": {**AIGAME, "tracing": {"enabled": True, "sample_ratio": 0.5}}}}
    served = commands._gateway_app("aigame", config)
    try:
        assert served.tracer is not None
        assert served.tracer.resource.attributes["service.name"] == "wallet-gateway-aigame"
        assert middleware(served.app)[0] is ServerSpanMiddleware
    finally:
        assert served.tracer is not None
        served.tracer.shutdown()


def test_without_a_tracing_table_nothing_is_traced() -> None:
    served = commands._gateway_app("aigame", {"gateways": {"aigame": AIGAME}})
    assert served.tracer is None
    assert ServerSpanMiddleware not in middleware(served.app)


def test_a_wrong_tracing_setting_stops_the_start() -> None:
    config = {"gateways": {"aigame": {**AIGAME, "tracing": {"sample_ratio": 2}}}}
    with pytest.raises(CommandError, match=r"\[gateways\.aigame\.tracing\] sample_ratio must be a number from 0 to 1"):
        commands._gateway_app("aigame", config)
