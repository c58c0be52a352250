"""The SUD gateway app: the signed notifications and the older update_score callback, plus /healthz and /metrics."""

from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateways.kit.app import create_gateway_app
from gateways.kit.core_client import CoreClient
from gateways.kit.endpoint import dialect_endpoint
from gateways.kit.record import RequestRecord
from gateways.kit.timestamps import TimestampWindow
from gateways.sud.answers import DIALECT
from gateways.sud.authenticate import Authenticator
from gateways.sud.codes import NOTIFY, UPDATE_SCORE
from gateways.sud.context import Context
from gateways.sud.notify import notify
from gateways.sud.settings import PROVIDER, Settings
from gateways.sud.update_score import score_updated

SudHandler = Callable[[Context, Request, RequestRecord], Awaitable[Response]]

NOTIFY_PATH = "/sud/v1/notify"
UPDATE_SCORE_PATH = "/sud/v1/update_score"


def create_app(settings: Settings, core: CoreClient | None = None) -> Starlette:
    """The SUD app. Without `core`, it opens its own client from `settings.core` and closes it at
    shutdown; a given client stays the caller's to close."""
    client = core if core is not None else CoreClient(settings.core, provider=PROVIDER)
    context = Context(
        settings=settings,
        core=client,
        authenticator=Authenticator(
            app_id=settings.app_id,
            secret=settings.app_secret,
            window=TimestampWindow(settings.timestamp_window_seconds),
            unit=settings.provisional.timestamp_unit,
        ),
    )

    def route(path: str, name: str, handler: SudHandler) -> Route:
        async def handle(request: Request, record: RequestRecord) -> Response:
            return await handler(context, request, record)

        return Route(path, dialect_endpoint(name, DIALECT, settings.allowed_ips, handle), methods=["POST"], name=name)

    return create_gateway_app(
        provider=PROVIDER,
        routes=[route(NOTIFY_PATH, NOTIFY, notify), route(UPDATE_SCORE_PATH, UPDATE_SCORE, score_updated)],
        core=client,
        allowlist=settings.allowed_ips,
        trusted_proxies=settings.trusted_proxies,
        close_core_on_shutdown=core is None,
    )
