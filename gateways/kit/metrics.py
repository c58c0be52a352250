"""Prometheus metrics of every gateway, and the `/metrics` endpoint that serves them.

The metrics live in the process-wide default registry, labelled by provider, so that gateways
running side by side in one process share one set of series.
"""

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response

REQUESTS = Counter(
    "gateway_requests",
    "Provider requests answered, by the dialect code answered and the reason behind it.",
    ["provider", "endpoint", "code", "reason"],
)
REQUEST_SECONDS = Histogram(
    "gateway_request_duration_seconds",
    "Time to answer a provider request.",
    ["provider", "endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
CORE_CALLS = Counter(
    "gateway_core_calls",
    "Calls to the wallet core, by method and result (OK or the failure's reason).",
    ["provider", "method", "result"],
)
CORE_RETRIES = Counter(
    "gateway_core_retries",
    "Core calls retried after an answer that decided nothing.",
    ["provider", "method"],
)


async def metrics_endpoint(request: Request) -> Response:
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
