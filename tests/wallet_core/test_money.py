"""wallet_core.money: decimal strings in, exact minor units out; refused, never rounded (rule 8)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wallet_core import money
from wallet_core.errors import Reason, WalletError


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("10.50", Decimal("10.50")),
        ("0", Decimal(0)),
        ("0.00", Decimal("0.00")),
        ("007.5", Decimal("7.5")),
        ("123456789012345678", Decimal(123456789012345678)),  # 18 integer digits: the most allowed
        ("000000000000000000001", Decimal(1)),  # leading zeros are not digits of the value
        ("0." + "0" * 29 + "1", Decimal("1e-30")),  # 30 decimals: the most allowed
    ],
)
def test_parse_amount_accepts_plain_decimals(text: str, value: Decimal) -> None:
    parsed = money.parse_amount(text)
    assert parsed == value
    assert str(parsed) == str(Decimal(text))  # the exponent (scale) as written is kept


@pytest.mark.parametrize(
    "text",
    [
        "-1",
        "-0",
        "-10.50",
        "+1",
        "1e3",
        "1E3",
        "1e-2",
        "NaN",
        "nan",
        "sNaN",
        "Infinity",
        "-Infinity",
        "inf",
        " 1",
        "1 ",
        "1\n",
        "\t1",
        "1,000",
        "1,5",
        "1_000",
        "0x10",
        "0b1",
        "",
        ".5",
        "5.",
        "1.2.3",
        "1..2",
        "ten",
        "\u0661\u0660",  # Arabic-Indic "10": Decimal() would take it
        "\uff11\uff10.\uff15",  # full-width "10.5"
        "1" + "0" * 18,  # 19 integer digits
        "9" * 40,
        "1." + "0" * 31,  # 31 decimals, even zeros
        "10." + "0" * 39 + "1",  # 40 decimals that look like 10 once rounded
    ],
)
def test_parse_amount_refuses_everything_else(text: str) -> None:
    with pytest.raises(WalletError) as caught:
        money.parse_amount(text, field="initial_balance")
    assert caught.value.reason is Reason.INVALID_AMOUNT
    assert caught.value.metadata == {"field": "initial_balance", "value": text[:64]}


def test_parse_amount_says_why() -> None:
    with pytest.raises(WalletError, match="must not be negative"):
        money.parse_amount("-1")
    with pytest.raises(WalletError, match="too large"):
        money.parse_amount("1" + "0" * 18)
    with pytest.raises(WalletError, match="too many decimals"):
        money.parse_amount("1." + "0" * 31)
    with pytest.raises(WalletError, match=r"decimal string like 12\.50"):
        money.parse_amount("1e3")


@pytest.mark.parametrize(
    ("text", "scale", "minor"),
    [
        ("10.50", 2, 1050),
        ("10.5", 2, 1050),
        ("10", 2, 1000),
        ("10.500000", 2, 1050),  # trailing zeros are not precision
        ("0.01", 2, 1),
        ("0", 2, 0),
        ("3", 0, 3),  # COIN
        ("3.0", 0, 3),
        ("0.00000001", 8, 1),
        ("9999999999999999.99", 2, 10**18 - 1),  # the largest amount of a scale-2 currency
        ("999999999999999999", 0, 10**18 - 1),
    ],
)
def test_to_minor_is_exact(text: str, scale: int, minor: int) -> None:
    result = money.to_minor(money.parse_amount(text), "XXX", scale)
    assert result == minor
    assert type(result) is int


@pytest.mark.parametrize(
    ("text", "scale"),
    [
        ("10.505", 2),  # never rounded to 10.50 or 10.51
        ("10.501", 2),
        ("10.509", 2),
        ("0.001", 2),
        ("1.5", 0),  # COIN has no decimals
        ("0.1", 0),
        ("0.000000001", 8),
        ("0." + "9" * 30, 0),  # rounds to 1 in a 28-digit context
        ("12.345" + "0" * 24 + "1", 3),  # 30 decimals: integral only after rounding
        ("1." + "0" * 29 + "1", 2),
    ],
)
def test_to_minor_refuses_more_decimals_than_the_scale(text: str, scale: int) -> None:
    with pytest.raises(WalletError) as caught:
        money.to_minor(money.parse_amount(text), "USD", scale)
    assert caught.value.reason is Reason.INVALID_AMOUNT
    assert caught.value.metadata == {
        "field": "amount",
        "value": money.canonical(Decimal(text)),
        "currency": "USD",
        "scale": str(scale),
    }
    assert f"more decimals than USD allows ({scale})" in caught.value.message


def test_to_minor_refuses_a_forty_decimal_value_given_directly() -> None:
    value = Decimal("10." + "0" * 39 + "1")
    with pytest.raises(WalletError) as caught:
        money.to_minor(value, "USD", 2)
    assert caught.value.reason is Reason.INVALID_AMOUNT


@pytest.mark.parametrize(
    ("text", "scale"),
    [
        ("999999999999999999", 2),  # 18 digits parse, but 10**20 cents do not fit a 64-bit column
        ("10000000000000000", 2),  # 10**18 cents
        ("10000000000", 8),
    ],
)
def test_to_minor_refuses_amounts_whose_minor_units_do_not_fit(text: str, scale: int) -> None:
    with pytest.raises(WalletError) as caught:
        money.to_minor(money.parse_amount(text), "USD", scale)
    assert caught.value.reason is Reason.INVALID_AMOUNT
    assert "too large" in caught.value.message


@pytest.mark.parametrize(
    ("texts", "spelling"),
    [
        (["10", "10.0", "10.00", "0010.000"], "10"),
        (["0", "0.00", "000"], "0"),
        (["100", "100.00"], "100"),
        (["10.50", "10.5"], "10.5"),
        (["0.000000000000000000000000000001"], "0.000000000000000000000000000001"),
    ],
)
def test_canonical_spells_one_value_one_way(texts: list[str], spelling: str) -> None:
    assert {money.canonical(money.parse_amount(t)) for t in texts} == {spelling}


@pytest.mark.parametrize(
    ("minor", "scale", "text"),
    [
        (1950, 2, "19.50"),
        (-9500, 2, "-95.00"),
        (0, 2, "0.00"),
        (1, 2, "0.01"),
        (-1, 2, "-0.01"),
        (5, 0, "5"),
        (0, 0, "0"),
        (100, 0, "100"),
        (10**18 - 1, 2, "9999999999999999.99"),
        (1, 8, "0.00000001"),  # not "1E-8"
        (0, 8, "0.00000000"),  # not "0E-8"
        (-1, 7, "-0.0000001"),
    ],
)
def test_to_decimal_string(minor: int, scale: int, text: str) -> None:
    assert money.to_decimal_string(minor, scale) == text


@settings(max_examples=200, deadline=None, database=None)
@given(minor=st.integers(min_value=-(10**18) + 1, max_value=10**18 - 1), scale=st.integers(0, 8))
def test_decimal_string_round_trips(minor: int, scale: int) -> None:
    text = money.to_decimal_string(minor, scale)
    assert text.count(".") == (1 if scale else 0)
    assert len(text.partition(".")[2]) == scale
    magnitude = text.removeprefix("-")
    assert money.to_minor(money.parse_amount(magnitude), "XXX", scale) == abs(minor)
