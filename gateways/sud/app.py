"""The SUD gateway app: the signed notifications and the older update_score callback, plus /healthz and /metrics."""

from typing import TYPE_CHECKING

from starlette.applications import Starlette

from gateways.kit.app import create_gateway_app
from gateways.kit.core_client import CoreClient
from gateways.kit.routes import DialectRoutes
from gateways.kit.timestamps import TimestampWindow
from gateways.sud.answers import DIALECT
from gateways.sud.authenticate import SudSignatures
from gateways.sud.codes import NOTIFY, UPDATE_SCORE
from gateways.sud.context import SudContext
from gateways.sud.notify import notify
from gateways.sud.settings import PROVIDER, Settings
from gateways.sud.update_score import score_updated

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

NOTIFY_PATH = "/sud/v1/notify"
UPDATE_SCORE_PATH = "/sud/v1/update_score"


def create_app(settings: Settings, core: CoreClient | None = None, tracer: "TracerProvider | None" = None) -> Starlette:
    """The SUD app. Without `core`, it opens its own client from `settings.core` and closes it at
    shutdown; a given client stays the caller's to close (and to trace). Traced by `tracer` when given."""
    client = core if core is not None else CoreClient(settings.core, provider=PROVIDER, tracer=tracer)
    context = SudContext(
        settings=settings,
        core=client,
        authenticator=SudSignatures(
            app_id=settings.app_id,
            secret=settings.app_secret,
            window=TimestampWindow(settings.timestamp_window_seconds),
            unit=settings.provisional.timestamp_unit,
        ),
    )
    routes = DialectRoutes(context, DIALECT, settings.allowed_ips)
    return create_gateway_app(
        provider=PROVIDER,
        routes=[
            routes.route(NOTIFY_PATH, NOTIFY, notify),
            routes.route(UPDATE_SCORE_PATH, UPDATE_SCORE, score_updated),
        ],
        core=client,
        allowlist=settings.allowed_ips,
        trusted_proxies=settings.trusted_proxies,
        close_core_on_shutdown=core is None,
        tracer=tracer,
    )
