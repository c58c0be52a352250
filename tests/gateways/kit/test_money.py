from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateways.kit.money import format_at_scale_of, parse_amount
from gateways.kit.refusals import GatewayReason, Refusal
from wallet.contract_limits import AMOUNT_MAX_DECIMALS, AMOUNT_MAX_INTEGER_DIGITS


@pytest.mark.parametrize(("text", "value"), [("0", "0"), ("10", "10"), ("19.50", "19.50"), ("0.001", "0.001")])
def test_plain_decimals_are_read_exactly(text: str, value: str) -> None:
    parsed = parse_amount(text)
    assert parsed == Decimal(value)
    assert str(parsed) == text


@pytest.mark.parametrize(
    "text",
    [
        "-1",
        "+1",
        "1e2",
        "1E2",
        "NaN",
        "nan",
        "Infinity",
        "inf",
        " 1",
        "1 ",
        "1.",
        ".5",
        "01",
        "1,000",
        "",
        "0x10",
        "1" * 21,
        "1" * (AMOUNT_MAX_INTEGER_DIGITS + 1),
        "1." + "1" * (AMOUNT_MAX_DECIMALS + 1),
        "١٢",
    ],
)
def test_anything_but_a_plain_non_negative_decimal_is_refused(text: str) -> None:
    with pytest.raises(Refusal) as refused:
        parse_amount(text)
    assert refused.value.reason is GatewayReason.INVALID_AMOUNT


def test_the_longest_amounts_the_core_reads_are_read() -> None:
    longest = "9" * AMOUNT_MAX_INTEGER_DIGITS + "." + "9" * AMOUNT_MAX_DECIMALS
    assert str(parse_amount(longest)) == longest


@given(st.decimals(min_value=0, max_value=10**15, places=4, allow_nan=False, allow_infinity=False))
def test_every_plain_decimal_round_trips(value: Decimal) -> None:
    assert parse_amount(f"{value:f}") == value


def test_derived_amounts_are_written_at_the_scale_of_the_core_amount() -> None:
    assert format_at_scale_of(Decimal("9.5"), "10.00") == "9.50"
    assert format_at_scale_of(Decimal("-95"), "100.00") == "-95.00"
    assert format_at_scale_of(Decimal(0), "7") == "0"


def test_derived_amounts_are_never_rounded() -> None:
    with pytest.raises(ValueError, match="does not fit"):
        format_at_scale_of(Decimal("9.505"), "10.00")
