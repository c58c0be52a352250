from __future__ import annotations

import pytest

from gateways.hrg.amounts import check_amount
from gateways.kit.refusals import GatewayReason, Refusal


@pytest.mark.parametrize("text", ["0", "0.0", "10", "10.0", "10.00", "19.5", "0.0001", "123456.1234", "10.0000"])
def test_amounts_with_at_most_four_decimals_pass_as_sent(text: str) -> None:
    assert check_amount(text, "betAmount") == text


@pytest.mark.parametrize(
    "text",
    [
        "10.00001",
        "0.12345",
        "-1",
        "-0.0",
        "+1",
        "1E1",
        "1e-2",
        "NaN",
        "Infinity",
        " 1",
        "1 ",
        "1,000.00",
        "",
        ".5",
        "5.",
        "01.5",
        "0x10",
        "\uff11\uff10",
    ],
)
def test_other_amounts_are_refused_as_invalid(text: str) -> None:
    with pytest.raises(Refusal) as refused:
        check_amount(text, "betAmount")
    assert refused.value.reason is GatewayReason.INVALID_AMOUNT
    assert "'betAmount'" in refused.value.detail
