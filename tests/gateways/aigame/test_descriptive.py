"""Descriptive fields read liberally: every readable shape gives the same value, the rest gives None."""

from decimal import Decimal

import pytest

from gateways.aigame.descriptive import descriptive_id, event_ms
from gateways.kit.jsonbody import JsonValue

PAY_OUT_MS = 1732589121000  # seed 000's pay_out_time: 2024-11-26T02:45:21Z


@pytest.mark.parametrize(
    "value",
    [
        PAY_OUT_MS,
        str(PAY_OUT_MS),
        f" {PAY_OUT_MS} ",
        Decimal("1732589121000.0"),
        1732589121,
        "1732589121",
        Decimal("1732589121.000"),
        "2024-11-26T02:45:21Z",
        "2024-11-26T02:45:21.000+00:00",
        "2024-11-26T10:45:21+08:00",
        "2024-11-26T10:45:21+0800",
    ],
)
def test_a_time_is_read_in_any_shape_it_may_come_in(value: JsonValue) -> None:
    assert event_ms(value) == PAY_OUT_MS


def test_seconds_with_a_fraction_keep_their_milliseconds() -> None:
    assert event_ms(Decimal("1732589121.5")) == PAY_OUT_MS + 500
    assert event_ms("1732589121.25") == PAY_OUT_MS + 250


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        0,
        "0",
        True,
        False,
        "yesterday",
        -1,
        "-1732589121000",
        10**40,
        2**64,
        Decimal("1E+999999999"),
        Decimal("1E-999999999"),
        "1" * 40,
        "1e999999999",
        {"ms": PAY_OUT_MS},
        [PAY_OUT_MS],
        "2024-11-26 10:45:21",  # no offset: its zone is unknown
        "2024-11-26",
    ],
)
def test_a_time_that_cannot_be_placed_is_none(value: JsonValue) -> None:
    assert event_ms(value) is None


@pytest.mark.parametrize(("value", "read"), [("101", "101"), (41, "41"), ("000002", "000002"), ("r" * 128, "r" * 128)])
def test_an_id_is_read_as_text(value: JsonValue, read: str) -> None:
    assert descriptive_id(value) == read


@pytest.mark.parametrize("value", [None, "", True, 4.5, Decimal("4.5"), {"id": 1}, ["1"], "r" * 129, "a\x00b"])
def test_an_id_the_core_cannot_hold_is_none(value: JsonValue) -> None:
    assert descriptive_id(value) is None
