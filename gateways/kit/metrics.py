"""Prometheus metrics of every gateway, and the `/metrics` endpoint that serves them.

The metrics live in the process-wide default registry, labelled by provider, so that gateways
running side by side in one process share one set of series.
"""

from typing import TypeVar, cast

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Histogram, generate_latest
from prometheus_client.metrics import MetricWrapperBase
from starlette.requests import Request
from starlette.responses import Response

MetricT = TypeVar("MetricT", bound=MetricWrapperBase)

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


_CHILDREN: dict[tuple[MetricWrapperBase, tuple[str, ...]], MetricWrapperBase] = {}


def labelled(metric: MetricT, *values: str) -> MetricT:
    """`metric.labels(*values)`, remembered: `labels()` checks its arguments and takes a lock on every
    call, a few µs per request for the same few series. The series are never removed."""
    key = (metric, values)
    child = _CHILDREN.get(key)
    if child is None:
        child = _CHILDREN[key] = metric.labels(*values)
    return cast(MetricT, child)  # labels() answers the metric's own type


async def metrics_endpoint(request: Request) -> Response:
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
