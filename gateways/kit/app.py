"""The app factory every gateway uses: its dialect routes plus /healthz and /metrics, observed.

Middleware, outermost first: uvicorn's ProxyHeadersMiddleware (the client address comes from
X-Forwarded-For only when the direct peer is one of `trusted_proxies`), then ObserveMiddleware
(request id, log line, metrics). Run the app with uvicorn's own proxy-header handling off
(see gateways.kit.serve), so that only the configured proxies are trusted.
"""

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Route
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from gateways.kit.core_client import CoreClient
from gateways.kit.health import healthz_endpoint
from gateways.kit.ipallow import IpAllowlist
from gateways.kit.metrics import metrics_endpoint
from gateways.kit.observe import ObserveMiddleware

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

LOG = logging.getLogger("gateways.app")


def create_gateway_app(
    *,
    provider: str,
    routes: Sequence[BaseRoute],
    core: CoreClient,
    allowlist: IpAllowlist,
    trusted_proxies: Sequence[str],
    close_core_on_shutdown: bool,
    tracer: "TracerProvider | None" = None,
) -> Starlette:
    """A Starlette app for one provider; the core client is closed at shutdown if asked. With
    `tracer`, every request is a span of it (gateways.kit.tracing); without, nothing is installed."""
    if allowlist.is_open:
        LOG.warning("no source-IP allowlist: any address may call", extra={"provider": provider})

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            if close_core_on_shutdown:
                await core.aclose()

    middleware = [
        Middleware(ProxyHeadersMiddleware, trusted_hosts=list(trusted_proxies)),
        Middleware(ObserveMiddleware, provider=provider),
    ]
    if tracer is not None:
        from gateways.kit.tracing import ServerSpanMiddleware

        middleware = [Middleware(ServerSpanMiddleware, tracer=tracer), *middleware]
    return Starlette(
        routes=[
            *routes,
            Route("/healthz", healthz_endpoint(core), methods=["GET"]),
            Route("/metrics", metrics_endpoint, methods=["GET"]),
        ],
        middleware=middleware,
        lifespan=lifespan,
    )
