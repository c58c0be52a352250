from __future__ import annotations

import logging

import pytest

from gateways.hrg.review import for_review
from gateways.kit.record import RequestRecord


def test_a_case_for_review_is_a_warning_with_its_fields(caplog: pytest.LogCaptureFixture) -> None:
    record = RequestRecord("req-1", "hrg", "203.0.113.20", endpoint="settle", transaction_id="TX-1")
    with caplog.at_level(logging.WARNING, logger="gateways.hrg.review"):
        for_review(record, "settle refused", reason="ALREADY_ROLLED_BACK")
    [logged] = caplog.records
    assert logged.levelno == logging.WARNING
    assert logged.getMessage() == "settle refused"
    fields = logged.__dict__
    assert (fields["request_id"], fields["provider"], fields["endpoint"], fields["transaction_id"]) == (
        "req-1", "hrg", "settle", "TX-1"
    )
    assert fields["reason"] == "ALREADY_ROLLED_BACK"
