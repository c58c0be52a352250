"""`/healthz`: the gateway is up, and says whether the core answers."""

from starlette.requests import Request
from starlette.responses import JSONResponse

from gateways.kit.core_client import CoreClient
from gateways.kit.endpoint import Endpoint
from gateways.kit.record import record_of


def healthz_endpoint(core: CoreClient) -> Endpoint:
    """200 {"status": "ok", "core": "up"} when the core answers, else 503 with "core": "down"."""

    async def healthz(request: Request) -> JSONResponse:
        up = await core.answers(request_id=record_of(request).request_id)
        return JSONResponse(
            {"status": "ok" if up else "unavailable", "provider": core.provider, "core": "up" if up else "down"},
            status_code=200 if up else 503,
        )

    return healthz
