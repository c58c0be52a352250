"""The AIGame gateway app: the five endpoints of aigame.md, plus /healthz and /metrics."""

from typing import TYPE_CHECKING

from starlette.applications import Starlette

from gateways.aigame.answers import dialect
from gateways.aigame.authenticate import AgentSignatures
from gateways.aigame.balance import balance
from gateways.aigame.bet import bet
from gateways.aigame.codes import BALANCE, BET, DETAIL, PAYOUT, REFUND
from gateways.aigame.context import AIGameContext
from gateways.aigame.detail import detail
from gateways.aigame.payout import payout
from gateways.aigame.refund import refund
from gateways.aigame.settings import PROVIDER, Settings
from gateways.kit.app import create_gateway_app
from gateways.kit.core_client import CoreClient
from gateways.kit.ratelimit import RateLimiter
from gateways.kit.routes import DialectRoutes
from gateways.kit.timestamps import TimestampWindow

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

BALANCE_PATH = "/aigame/v1/wallet/balance"
PAYOUT_PATH = "/aigame/v1/wallet/payout"
REFUND_PATH = "/aigame/v1/wallet/refund"
DETAIL_PATH = "/api/game/transaction/detail"


def create_app(settings: Settings, core: CoreClient | None = None, tracer: "TracerProvider | None" = None) -> Starlette:
    """The AIGame app. Without `core`, it opens its own client from `settings.core` and closes it at
    shutdown; a given client stays the caller's to close (and to trace). Traced by `tracer` when given."""
    client = core if core is not None else CoreClient(settings.core, provider=PROVIDER, tracer=tracer)
    context = AIGameContext(
        settings=settings,
        core=client,
        authenticator=AgentSignatures(
            agents=settings.agents,
            window=TimestampWindow(settings.timestamp_window_seconds),
            nested=settings.provisional.nested_signing,
        ),
        detail_limiter=RateLimiter(settings.detail_rate_limit, settings.rate_limit_storage),
    )
    routes = DialectRoutes(context, dialect(settings.provisional), settings.allowed_ips)
    return create_gateway_app(
        provider=PROVIDER,
        routes=[
            routes.route(BALANCE_PATH, BALANCE, balance),
            routes.route(settings.provisional.bet_path, BET, bet),
            routes.route(PAYOUT_PATH, PAYOUT, payout),
            routes.route(REFUND_PATH, REFUND, refund),
            routes.route(DETAIL_PATH, DETAIL, detail, method="GET"),
        ],
        core=client,
        allowlist=settings.allowed_ips,
        trusted_proxies=settings.trusted_proxies,
        close_core_on_shutdown=core is None,
        tracer=tracer,
    )
