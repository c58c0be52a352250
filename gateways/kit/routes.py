"""A dialect's routes: each path to a handler given the gateway's context, answered in the dialect."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateways.kit.endpoint import Dialect, dialect_endpoint
from gateways.kit.ipallow import IpAllowlist
from gateways.kit.record import RequestRecord

ContextT = TypeVar("ContextT")
CodeT = TypeVar("CodeT")
DialectHandler = Callable[[ContextT, Request, RequestRecord], Awaitable[Response]]


@dataclass(frozen=True)
class DialectRoutes(Generic[ContextT, CodeT]):
    """Makes the routes of one gateway app: every one shares its context, dialect and allowlist."""

    context: ContextT
    dialect: Dialect[CodeT]
    allowlist: IpAllowlist

    def route(self, path: str, name: str, handler: DialectHandler[ContextT], method: str = "POST") -> Route:
        """`method` `path` runs `handler`; `name` is its column of the dialect's code table."""
        context = self.context

        async def handle(request: Request, record: RequestRecord) -> Response:
            return await handler(context, request, record)

        endpoint = dialect_endpoint(name, self.dialect, self.allowlist, handle)
        return Route(path, endpoint, methods=[method], name=name)
