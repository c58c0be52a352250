import logging

import pytest

from gateways.kit.logs import REDACTED, log_event, redact


def test_secrets_are_redacted_however_deep() -> None:
    assert redact(
        {
            "sign": "abc",
            "core_token": "t",
            "Authorization": "Bearer t",
            "agent_id": "agent001",
            "nested": [{"secret": "s", "app_secret": "s", "win_amount": "19.50"}],
        }
    ) == {
        "sign": REDACTED,
        "core_token": REDACTED,
        "Authorization": REDACTED,
        "agent_id": "agent001",
        "nested": [{"secret": REDACTED, "app_secret": REDACTED, "win_amount": "19.50"}],
    }


def test_events_carry_their_fields_redacted(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("gateways.test")
    with caplog.at_level(logging.INFO, logger="gateways.test"):
        log_event(logger, logging.INFO, "request", request_id="r1", token="t", params={"sign": "abc", "user_id": "u1"})
    (record,) = caplog.records
    assert record.getMessage() == "request"
    assert record.__dict__["request_id"] == "r1"
    assert record.__dict__["params"] == {"sign": REDACTED, "user_id": "u1"}
    assert record.__dict__["token"] == REDACTED


def test_disabled_levels_log_nothing(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="gateways.test"):
        log_event(logging.getLogger("gateways.test"), logging.INFO, "request", request_id="r1")
    assert caplog.records == []


def test_plain_values_are_kept_as_they_are_and_sequences_become_lists() -> None:
    fields = {
        "request_id": "r1",
        "replay": False,
        "latency_ms": 1.5,
        "code": 200,
        "reason": None,
        7: "seven",
        "pair": ("a", {"token": "t"}),
        "deep": [[{"password": "p", "n": 1}]],
    }
    redacted = redact(fields)
    assert redacted == {
        "request_id": "r1",
        "replay": False,
        "latency_ms": 1.5,
        "code": 200,
        "reason": None,
        7: "seven",
        "pair": ["a", {"token": REDACTED}],
        "deep": [[{"password": REDACTED, "n": 1}]],
    }
    assert isinstance(redacted, dict) and redacted["request_id"] is fields["request_id"]


def test_a_key_is_judged_the_same_every_time() -> None:
    for _ in range(3):
        assert redact({"Sign": "x", "user_sign": "y", "signed_at": "z"}) == {
            "Sign": REDACTED,
            "user_sign": REDACTED,
            "signed_at": "z",
        }
