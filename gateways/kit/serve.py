"""Running a gateway app under uvicorn, alone or beside the others in one event loop."""

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


async def serve(app: ASGIApp, *, host: str, port: int) -> None:
    """Serve `app` until the process is told to stop (gather several of these to run side by side)."""
    await uvicorn.Server(uvicorn_config(app, host=host, port=port)).serve()
