from __future__ import annotations

import pytest

from gateways.kit.codes import KNOWN_REASONS
from gateways.sud.codes import (
    CODES,
    DUPLICATE_ORDER,
    INSUFFICIENT_BALANCE,
    INTERNAL_ERROR,
    MESSAGES,
    NOTIFY,
    SUCCESS,
    UPDATE_SCORE,
    message_for,
)


def test_every_known_reason_has_its_own_row() -> None:
    assert CODES.uncovered() == frozenset()
    assert set(CODES.rows) == KNOWN_REASONS


def test_no_failure_is_answered_as_success() -> None:
    codes = {code for row in CODES.rows.values() for code in row} | set(CODES.fallback)
    assert SUCCESS not in codes


def test_every_code_answered_has_a_message() -> None:
    codes = {code for row in CODES.rows.values() for code in row} | set(CODES.fallback)
    assert codes <= set(MESSAGES)
    assert all(MESSAGES[code] for code in codes)


def test_suds_own_codes() -> None:
    assert (SUCCESS, INSUFFICIENT_BALANCE, DUPLICATE_ORDER) == (0, 9000, 9001)
    assert message_for(SUCCESS) == "SUCCESS"
    assert CODES.code_for(UPDATE_SCORE, "INSUFFICIENT_FUNDS") == 9000
    assert CODES.code_for(UPDATE_SCORE, "IDEMPOTENCY_CONFLICT") == 9001


def test_suds_update_score_codes_are_not_used_by_notifications() -> None:
    column = CODES.endpoints.index(NOTIFY)
    assert {row[column] for row in CODES.rows.values()}.isdisjoint({INSUFFICIENT_BALANCE, DUPLICATE_ORDER})


@pytest.mark.parametrize(
    ("reason", "code"),
    [
        ("MALFORMED_REQUEST", 1001),
        ("BODY_TOO_LARGE", 1002),
        ("BAD_SIGNATURE", 1003),
        ("UNKNOWN_AGENT", 1004),
        ("STALE_TIMESTAMP", 1005),
        ("TRANSACTION_NOT_FOUND", 1009),
        ("ALREADY_ROLLED_BACK", 1010),
        ("GRPC_UNAVAILABLE", 1500),
        ("STORE_UNAVAILABLE", 1500),
        ("A_REASON_ADDED_LATER", 1999),
    ],
)
def test_notification_codes(reason: str, code: int) -> None:
    assert CODES.code_for(NOTIFY, reason) == code


def test_an_unknown_code_reads_as_an_internal_error() -> None:
    assert message_for(4242) == MESSAGES[INTERNAL_ERROR]
