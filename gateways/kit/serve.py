"""The uvicorn configuration a gateway app runs under (`wallet gateway`, `wallet up`)."""

import uvicorn
from starlette.types import ASGIApp

from gateways.kit.connection_limits import DEFAULT_LIMITS, ConnectionLimits
from gateways.kit.limited_protocol import protocol_for


def uvicorn_config(app: ASGIApp, *, host: str, port: int, limits: ConnectionLimits = DEFAULT_LIMITS) -> uvicorn.Config:
    """A uvicorn config for a gateway app, under `limits` (gateways.kit.limited_protocol).

    Proxy headers are left to the app (it trusts only its configured proxies), the access log to
    the app's own JSON line, and logging configuration to the caller (`gateways.kit.logs`).
    uvicorn's `limit_concurrency` is not used: it counts the same connections as `max_connections`
    but refuses only once a request's headers have arrived, while an idle connection holds its file.
    """
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=protocol_for(limits),
        timeout_keep_alive=limits.keep_alive_seconds,
        timeout_graceful_shutdown=limits.shutdown_grace_seconds,
        proxy_headers=False,
        access_log=False,
        server_header=False,
        log_config=None,
        lifespan="on",
    )
