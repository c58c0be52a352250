from prometheus_client import CONTENT_TYPE_LATEST
from starlette.requests import Request

from gateways.kit.metrics import CORE_CALLS, metrics_endpoint


async def test_the_endpoint_serves_the_process_registry() -> None:
    CORE_CALLS.labels("metrics-test", "Debit", "OK").inc()
    response = await metrics_endpoint(Request({"type": "http", "method": "GET", "headers": []}))
    assert response.media_type == CONTENT_TYPE_LATEST
    assert b'gateway_core_calls_total{method="Debit",provider="metrics-test",result="OK"}' in response.body
