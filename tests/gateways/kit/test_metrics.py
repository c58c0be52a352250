from prometheus_client import CONTENT_TYPE_LATEST
from starlette.requests import Request

from gateways.kit.metrics import CORE_CALLS, REQUEST_SECONDS, labelled, metrics_endpoint
from tests.gateways.metric_samples import sample


async def test_the_endpoint_serves_the_process_registry() -> None:
    CORE_CALLS.labels("metrics-test", "Debit", "OK").inc()
    response = await metrics_endpoint(Request({"type": "http", "method": "GET", "headers": []}))
    assert response.media_type == CONTENT_TYPE_LATEST
    assert b'gateway_core_calls_total{method="Debit",provider="metrics-test",result="OK"}' in response.body


def test_a_labelled_series_is_the_one_labels_gives_and_counts_there() -> None:
    child = labelled(CORE_CALLS, "metrics-test", "Credit", "OK")
    assert child is CORE_CALLS.labels("metrics-test", "Credit", "OK")
    assert labelled(CORE_CALLS, "metrics-test", "Credit", "OK") is child
    before = sample("gateway_core_calls_total", provider="metrics-test", method="Credit", result="OK")
    child.inc()
    assert sample("gateway_core_calls_total", provider="metrics-test", method="Credit", result="OK") == before + 1
    assert labelled(REQUEST_SECONDS, "metrics-test", "op") is REQUEST_SECONDS.labels("metrics-test", "op")
