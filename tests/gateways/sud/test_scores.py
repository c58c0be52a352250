"""Score points <-> wallet money: exact, or refused; floored only to show a balance."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateways.kit.refusals import GatewayReason, Refusal
from gateways.sud.scores import MAX_POINTS, PointRate


@pytest.mark.parametrize(
    ("rate", "points", "amount"),
    [
        ("1.00", 10, "10.00"),
        ("1.00", 0, "0.00"),
        ("0.01", 1950, "19.50"),
        ("0.01", 1, "0.01"),
        ("1", 7, "7"),
        ("0.001", 19505, "19.505"),  # exact here; whether USD takes 3 decimals is the core's call
        ("2.5", 3, "7.5"),
        ("1000", MAX_POINTS, "9223372036854775807000"),
        ("0.000000000000000001", MAX_POINTS, "9.223372036854775807"),
    ],
)
def test_points_to_an_amount_is_exact(rate: str, points: int, amount: str) -> None:
    assert PointRate.parse(rate).to_amount(points) == amount


@given(points=st.integers(min_value=0, max_value=MAX_POINTS), cents=st.integers(min_value=1, max_value=10**6))
def test_points_to_an_amount_never_rounds(points: int, cents: int) -> None:
    rate = PointRate(Decimal(cents).scaleb(-2))
    assert Decimal(rate.to_amount(points)) == Decimal(points) * Decimal(cents) / 100


@pytest.mark.parametrize("points", [-1, MAX_POINTS + 1])
def test_points_out_of_range_are_refused(points: int) -> None:
    with pytest.raises(Refusal) as refused:
        PointRate.parse("1").to_amount(points)
    assert refused.value.reason is GatewayReason.INVALID_AMOUNT


@pytest.mark.parametrize(
    ("rate", "balance", "shown"),
    [
        ("1.00", "95.00", 95),
        ("1.00", "95.50", 95),  # floored: display only
        ("1.00", "0.99", 0),
        ("1.00", "-95.00", -95),
        ("1.00", "-95.50", -96),  # floored towards minus infinity, never shown above what is there
        ("0.01", "19.50", 1950),
        ("0.01", "0.00", 0),
        ("2.5", "10", 4),
        ("0.03", "1.00", 33),
    ],
)
def test_a_balance_is_shown_in_whole_points_floored(rate: str, balance: str, shown: int) -> None:
    assert PointRate.parse(rate).points_shown(balance) == shown


@given(points=st.integers(min_value=-(10**15), max_value=10**15), cents=st.integers(min_value=1, max_value=10**4))
def test_a_whole_number_of_points_is_shown_exactly(points: int, cents: int) -> None:
    rate = PointRate(Decimal(cents).scaleb(-2))
    balance = f"{Decimal(points) * rate.point_value:f}"
    assert rate.points_shown(balance) == points


@pytest.mark.parametrize("text", ["0", "0.00", "-1", "1e2", "NaN", "1,00", " 1", "", "abc"])
def test_a_rate_must_be_a_plain_positive_decimal(text: str) -> None:
    with pytest.raises(ValueError):
        PointRate.parse(text)
