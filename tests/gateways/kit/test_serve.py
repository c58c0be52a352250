import pytest
from starlette.applications import Starlette

from gateways.kit.config import GatewayConfigError
from gateways.kit.connection_limits import ConnectionLimits
from gateways.kit.limited_protocol import LimitedHttpToolsProtocol
from gateways.kit.serve import uvicorn_config


def test_uvicorn_leaves_proxy_headers_and_logging_to_the_gateway() -> None:
    config = uvicorn_config(Starlette(), host="127.0.0.1", port=8081)
    assert (config.host, config.port) == ("127.0.0.1", 8081)
    assert config.proxy_headers is False
    assert config.access_log is False
    assert config.server_header is False
    assert config.log_config is None
    assert config.lifespan == "on"


def test_uvicorn_runs_the_limited_protocol_under_the_configured_limits() -> None:
    limits = ConnectionLimits.from_mapping({"keep_alive_seconds": 3, "shutdown_grace_seconds": 7, "max_headers": 50})
    config = uvicorn_config(Starlette(), host="127.0.0.1", port=8081, limits=limits)
    assert isinstance(config.http, type) and issubclass(config.http, LimitedHttpToolsProtocol)
    assert config.http.limits == limits
    assert (config.timeout_keep_alive, config.timeout_graceful_shutdown) == (3, 7)


def test_the_limits_have_documented_defaults() -> None:
    assert ConnectionLimits.from_mapping({}) == ConnectionLimits(
        read_timeout_seconds=10.0,
        keep_alive_seconds=5,
        max_connections=512,
        max_header_bytes=16384,
        max_headers=100,
        shutdown_grace_seconds=10,
    )


@pytest.mark.parametrize(
    ("table", "named"),
    [
        ({"max_connections": 0}, "gateways.aigame.server.max_connections"),
        ({"read_timeout_seconds": "10"}, "gateways.aigame.server.read_timeout_seconds"),
        ({"keep_alive_seconds": 2.5}, "gateways.aigame.server.keep_alive_seconds"),
        ({"max_header_size": 1}, "max_header_size"),
    ],
)
def test_a_bad_or_unknown_limit_is_refused_by_its_full_name(table: dict[str, object], named: str) -> None:
    with pytest.raises(GatewayConfigError, match=named):
        ConnectionLimits.from_mapping(table, "gateways.aigame.server")
