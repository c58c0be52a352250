from __future__ import annotations

import pytest

from gateways.hrg.amounts import check_amount, check_signed_decimal
from gateways.kit.refusals import GatewayReason, Refusal


@pytest.mark.parametrize("text", ["0", "0.0", "10", "10.0", "10.00", "19.5", "0.0001", "123456.1234", "10.0000"])
def test_amounts_with_at_most_four_decimals_pass_as_sent(text: str) -> None:
    assert check_amount(text, "betAmount") == text


@pytest.mark.parametrize(
    "text", ["10.00001", "0.12345", "-1", "-0.0", "+1", "1E1", "1e-2", "NaN", "Infinity", " 1", "1 ", "1,000.00",
             "", ".5", "5.", "01.5", "0x10", "\uff11\uff10"],
)
def test_other_amounts_are_refused_as_invalid(text: str) -> None:
    with pytest.raises(Refusal) as refused:
        check_amount(text, "betAmount")
    assert refused.value.reason is GatewayReason.INVALID_AMOUNT
    assert "'betAmount'" in refused.value.detail


@pytest.mark.parametrize("text", ["-1.0", "0.95", "0", "-0.5", "11.0000"])
def test_odds_may_be_negative(text: str) -> None:
    assert check_signed_decimal(text, "odds") == text


@pytest.mark.parametrize("text", ["--1.0", "-", "+0.95", "0.95001", "-1E0", "abc", ""])
def test_odd_odds_are_malformed(text: str) -> None:
    with pytest.raises(Refusal) as refused:
        check_signed_decimal(text, "odds")
    assert refused.value.reason is GatewayReason.MALFORMED_REQUEST
