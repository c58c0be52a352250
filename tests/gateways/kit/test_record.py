import pytest
from starlette.requests import Request

from gateways.kit.record import RECORD_KEY, RequestRecord, record_of


def test_the_record_is_found_in_the_request_state() -> None:
    record = RequestRecord("r1", "aigame", "203.0.113.7")
    request = Request({"type": "http", "state": {RECORD_KEY: record}})
    assert record_of(request) is record


def test_without_the_observing_middleware_there_is_no_record() -> None:
    with pytest.raises(RuntimeError, match="no request record"):
        record_of(Request({"type": "http"}))
