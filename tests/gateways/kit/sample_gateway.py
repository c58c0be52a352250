"""A minimal dialect built from the kit alone, to test the kit's app, endpoint and observation pieces.

Its one endpoint, POST /op, does what the `do` query parameter says: answer, refuse, fail in the
core, crash, or read its body first. Its answers are `{"code": "..."}` with the codes of SAMPLE_CODES.
"""

from __future__ import annotations

import grpc
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gateways.kit.app import create_gateway_app
from gateways.kit.codes import CodeTable
from gateways.kit.core_client import CoreClient
from gateways.kit.core_errors import CoreError
from gateways.kit.endpoint import Dialect, dialect_endpoint
from gateways.kit.ipallow import IpAllowlist
from gateways.kit.record import RequestRecord
from gateways.kit.refusals import GatewayReason, Refusal

PROVIDER = "kit-sample"
SAMPLE_CODES = CodeTable(
    endpoints=("op",),
    rows={
        "BAD_SIGNATURE": ("S1",),
        "IP_NOT_ALLOWED": ("S2",),
        "INSUFFICIENT_FUNDS": ("S3",),
        "INTERNAL_ERROR": ("S9",),
    },
    fallback=("S0",),
)
SAMPLE_DIALECT = Dialect(codes=SAMPLE_CODES, success="OK", failure=lambda code: JSONResponse({"code": code}))


async def operation(request: Request, record: RequestRecord) -> Response:
    record.transaction_id = request.query_params.get("txn")
    match request.query_params.get("do"):
        case "refuse":
            raise Refusal(GatewayReason.BAD_SIGNATURE, "sign does not match")
        case "core":
            raise CoreError(grpc.StatusCode.FAILED_PRECONDITION, "INSUFFICIENT_FUNDS", {}, "balance too low")
        case "crash":
            raise RuntimeError("a bug")
        case "read":
            await request.body()
    record.replay = False
    return JSONResponse({"code": "OK", "client": record.client_ip})


def sample_app(
    core: CoreClient, *, allowlist: IpAllowlist | None = None, trusted_proxies: tuple[str, ...] = ()
) -> Starlette:
    allowed = allowlist or IpAllowlist()
    return create_gateway_app(
        provider=PROVIDER,
        routes=[Route("/op", dialect_endpoint("op", SAMPLE_DIALECT, allowed, operation), methods=["POST"])],
        core=core,
        allowlist=allowed,
        trusted_proxies=trusted_proxies,
        close_core_on_shutdown=True,
    )
