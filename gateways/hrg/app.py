"""The HRG gateway app: the five actions of hrg.md under one callback prefix, plus /healthz and /metrics."""

from typing import TYPE_CHECKING

from starlette.applications import Starlette

from gateways.hrg.answers import dialect
from gateways.hrg.authenticate import SharedSecret
from gateways.hrg.balance import get_balance
from gateways.hrg.bet import place_bet
from gateways.hrg.cancel import cancel_bet
from gateways.hrg.codes import CANCEL_BET, EVENT_SETTLE, GET_BALANCE, PLACE_BET, SETTLE
from gateways.hrg.context import HRGContext
from gateways.hrg.event_settle import event_settle
from gateways.hrg.settings import PROVIDER, Settings
from gateways.hrg.settle import settle
from gateways.kit.app import create_gateway_app
from gateways.kit.core_client import CoreClient
from gateways.kit.routes import DialectHandler, DialectRoutes
from gateways.kit.timestamps import TimestampWindow

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

HANDLERS: dict[str, DialectHandler[HRGContext]] = {
    GET_BALANCE: get_balance,
    PLACE_BET: place_bet,
    CANCEL_BET: cancel_bet,
    SETTLE: settle,
    EVENT_SETTLE: event_settle,
}


def create_app(settings: Settings, core: CoreClient | None = None, tracer: "TracerProvider | None" = None) -> Starlette:
    """The HRG app: POST {callback_prefix}/<action> for each action. Without `core`, it opens its own
    client from `settings.core` and closes it at shutdown; a given client stays the caller's to close
    (and to trace). Traced by `tracer` when given."""
    client = core if core is not None else CoreClient(settings.core, provider=PROVIDER, tracer=tracer)
    context = HRGContext(
        settings=settings,
        core=client,
        authenticator=SharedSecret(settings.provisional.secret_header, settings.shared_secret),
        place_bet_window=TimestampWindow(settings.timestamp_window_seconds),
    )
    routes = DialectRoutes(context, dialect(settings.provisional), settings.allowed_ips)
    return create_gateway_app(
        provider=PROVIDER,
        routes=[
            routes.route(f"{settings.callback_prefix}/{action}", action, handler)
            for action, handler in HANDLERS.items()
        ],
        core=client,
        allowlist=settings.allowed_ips,
        trusted_proxies=settings.trusted_proxies,
        close_core_on_shutdown=core is None,
        tracer=tracer,
    )
