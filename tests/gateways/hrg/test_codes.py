from __future__ import annotations

import pytest

from gateways.hrg.codes import (
    ACTIONS,
    BET_FAILED,
    OTHER_ERROR,
    PLACE_BET,
    SUCCESS,
    code_table,
    message_for,
)
from gateways.hrg.provisional import Provisional

TABLE = code_table(Provisional())


def test_every_reason_has_its_own_row() -> None:
    assert TABLE.uncovered() == frozenset()


def test_no_failure_is_ever_answered_as_success() -> None:
    for codes in [*TABLE.rows.values(), TABLE.fallback]:
        assert SUCCESS not in codes


def test_every_code_is_a_four_character_string() -> None:
    for codes in [*TABLE.rows.values(), TABLE.fallback]:
        assert all(isinstance(code, str) and len(code) == 4 for code in codes)


def test_8001_is_only_for_a_bet_the_core_refused_and_recorded() -> None:
    definitely_failed = {
        (reason, action)
        for reason, codes in TABLE.rows.items()
        for action, code in zip(ACTIONS, codes, strict=True)
        if code == BET_FAILED
    }
    assert definitely_failed == {
        ("INSUFFICIENT_FUNDS", PLACE_BET),
        ("PLAYER_BLOCKED", PLACE_BET),
        ("LIMIT_REACHED", PLACE_BET),
        ("ALREADY_ROLLED_BACK", PLACE_BET),
    }
    assert BET_FAILED not in TABLE.fallback


@pytest.mark.parametrize(
    "reason",
    [
        "GRPC_UNAVAILABLE",
        "GRPC_DEADLINE_EXCEEDED",
        "STORE_UNAVAILABLE",
        "INTERNAL_ERROR",
        "IDEMPOTENCY_CONFLICT",
        "ACCOUNT_NOT_FOUND",
        "MALFORMED_REQUEST",
        "SOMETHING_NEW",
    ],
)
def test_an_uncertain_or_unrecorded_place_bet_failure_makes_hrg_cancel(reason: str) -> None:
    assert TABLE.code_for(PLACE_BET, reason) not in (SUCCESS, BET_FAILED)


def test_a_settle_for_an_unknown_or_cancelled_bet_is_retried() -> None:
    assert TABLE.code_for("settle", "TRANSACTION_NOT_FOUND") == OTHER_ERROR
    assert TABLE.code_for("settle", "ALREADY_ROLLED_BACK") == OTHER_ERROR


def test_the_provisional_codes_come_from_the_provisional_table() -> None:
    table = code_table(Provisional(invalid_user_code="2000", invalid_parameters_code="2001", auth_failure_code="2038"))
    assert table.code_for("get_balance", "ACCOUNT_NOT_FOUND") == "2000"
    assert table.code_for("settle", "MALFORMED_REQUEST") == "2001"
    assert table.code_for("cancel_bet", "BAD_SIGNATURE") == "2038"
    assert table.code_for("event_settle", "IP_NOT_ALLOWED") == "2038"


def test_messages_name_the_codes() -> None:
    provisional = Provisional()
    assert message_for("8001", provisional) == "bet failed"
    assert message_for("1001", provisional) == "invalid parameters"
    assert message_for("1038", provisional) == "not allowed"
    assert message_for("4242", provisional) == "error"
