import logging

import pytest

from gateways.kit.logs import REDACTED
from gateways.kit.record import RequestRecord
from gateways.kit.review import for_review, review_logger


def test_a_case_for_review_is_a_warning_on_the_providers_review_logger(caplog: pytest.LogCaptureFixture) -> None:
    record = RequestRecord("r7", "aigame", "203.0.113.7", endpoint="payout", transaction_id="bet-1")
    with caplog.at_level(logging.WARNING, logger="gateways.aigame.review"):
        for_review(record, "payout differs", win_amount="29.50", sign="abc")
    (logged,) = caplog.records
    assert (logged.name, logged.levelno) == ("gateways.aigame.review", logging.WARNING)
    assert logged.getMessage() == "payout differs"
    fields = logged.__dict__
    assert {k: fields[k] for k in ("request_id", "provider", "endpoint", "transaction_id", "win_amount", "sign")} == {
        "request_id": "r7",
        "provider": "aigame",
        "endpoint": "payout",
        "transaction_id": "bet-1",
        "win_amount": "29.50",
        "sign": REDACTED,
    }


def test_each_provider_has_its_own_review_logger() -> None:
    assert review_logger("hrg").name == "gateways.hrg.review"
