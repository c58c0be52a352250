from starlette.applications import Starlette

from gateways.kit.serve import uvicorn_config


def test_uvicorn_leaves_proxy_headers_and_logging_to_the_gateway() -> None:
    config = uvicorn_config(Starlette(), host="127.0.0.1", port=8081)
    assert (config.host, config.port) == ("127.0.0.1", 8081)
    assert config.proxy_headers is False
    assert config.access_log is False
    assert config.server_header is False
    assert config.log_config is None
    assert config.lifespan == "on"
