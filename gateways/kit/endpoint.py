"""A dialect endpoint: runs a handler and answers every failure in the dialect, never with a 500.

The handler does the work and returns the success answer. Whatever it raises becomes the
dialect's code for (endpoint, reason): a Refusal (the gateway's own refusal), a CoreError (the
core's), or any other exception (a bug: logged with its traceback, answered as INTERNAL_ERROR).
A client that leaves mid-request is none of these: it is counted and logged (gateways.access, INFO)
under CLIENT_DISCONNECTED, with no traceback, so that no caller can fire the alert meant for bugs.
"""

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from gateways.kit.codes import CodeTable
from gateways.kit.core_errors import CoreError
from gateways.kit.ipallow import IpAllowlist
from gateways.kit.record import RequestRecord, record_of
from gateways.kit.refusals import GatewayReason, Refusal

CodeT = TypeVar("CodeT")
Handler = Callable[[Request, RequestRecord], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]

ERROR_LOG = logging.getLogger("gateways.errors")
CLIENT_DISCONNECTED = "CLIENT_DISCONNECTED"
"""The reason counted and logged for a client that closed its connection before its request was read:
the client's doing, not a bug, and not a reason any dialect answers (nobody is left to read it)."""
CLIENT_CLOSED_REQUEST = 499
"""The status logged for it (nginx's convention); uvicorn sends nothing on a closed connection."""


@dataclass(frozen=True)
class Dialect(Generic[CodeT]):
    """How a provider is answered: its code table, its success code, its failure answer."""

    codes: CodeTable[CodeT]
    success: CodeT
    failure: Callable[[CodeT], Response]


def dialect_endpoint(name: str, dialect: Dialect[CodeT], allowlist: IpAllowlist, handler: Handler) -> Endpoint:
    """A Starlette endpoint named `name` (a column of the dialect's code table)."""
    dialect.codes.endpoints.index(name)

    async def endpoint(request: Request) -> Response:
        record = record_of(request)
        record.endpoint = name
        try:
            allowlist.check(record.client_ip)
            response = await handler(request, record)
        except Refusal as refusal:
            reason, detail = refusal.reason.value, refusal.detail
        except CoreError as error:
            reason, detail = error.reason, error.message
        except ClientDisconnect:  # the client left before its body was read: the core was never asked
            record.reason, record.detail = CLIENT_DISCONNECTED, "the client closed the connection mid-request"
            return Response(status_code=CLIENT_CLOSED_REQUEST)
        except Exception:
            ERROR_LOG.exception(
                "unexpected failure",
                extra={"request_id": record.request_id, "provider": record.provider, "endpoint": name},
            )
            reason, detail = GatewayReason.INTERNAL_ERROR.value, "unexpected failure"
        else:
            record.code = str(dialect.success)
            return response
        code = dialect.codes.code_for(name, reason)
        record.code, record.reason, record.detail = str(code), reason, detail
        return dialect.failure(code)

    return endpoint
