from decimal import Decimal

import pytest

from gateways.kit.jsonbody import parse_json_object
from gateways.kit.refusals import GatewayReason, Refusal


def test_an_object_is_parsed_with_exact_numbers() -> None:
    parsed = parse_json_object(b'{"a": "x", "n": 10231, "d": 19.50, "o": {"Banker": 10}, "l": [1, "2"], "z": null}')
    assert parsed == {"a": "x", "n": 10231, "d": Decimal("19.50"), "o": {"Banker": 10}, "l": [1, "2"], "z": None}
    assert str(parsed["d"]) == "19.50"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{",
        b'{"a": 1,}',
        b"[1, 2]",
        b'"text"',
        b"12",
        b'{"a": 1, "a": 2}',
        b'{"o": {"k": 1, "k": 1}}',
        b'{"a": NaN}',
        b'{"a": Infinity}',
        b'{"a": -Infinity}',
        b'{"a": "\xff"}',
        b"[" * 100_000 + b"]" * 100_000,
    ],
)
def test_anything_but_one_json_object_is_malformed(body: bytes) -> None:
    with pytest.raises(Refusal) as refused:
        parse_json_object(body)
    assert refused.value.reason is GatewayReason.MALFORMED_REQUEST
