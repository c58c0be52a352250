"""The uvicorn configuration a gateway app runs under (`wallet gateway`, `wallet up`)."""

import uvicorn
from starlette.types import ASGIApp


def uvicorn_config(app: ASGIApp, *, host: str, port: int) -> uvicorn.Config:
    """A uvicorn config for a gateway app.

    Proxy headers are left to the app (it trusts only its configured proxies), the access log to
    the app's own JSON line, and logging configuration to the caller (`gateways.kit.logs`).
    """
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        proxy_headers=False,
        access_log=False,
        server_header=False,
        log_config=None,
        lifespan="on",
    )
