from decimal import Decimal

import pytest

from gateways.kit.jsonbody import MAX_DEPTH, parse_json_object
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


def _nested(depth: int) -> bytes:
    return b'{"a":' * (depth - 1) + b"{}" + b"}" * (depth - 1)


def test_nesting_up_to_the_limit_is_read() -> None:
    assert _nested(MAX_DEPTH).count(b"{") == MAX_DEPTH
    parse_json_object(_nested(MAX_DEPTH))
    parse_json_object(b'{"a":' + b"[" * (MAX_DEPTH - 1) + b"]" * (MAX_DEPTH - 1) + b"}")


@pytest.mark.parametrize(
    "body",
    [
        # Found by tests/fuzz: a deep value could not become a protobuf Struct (a crash), or was
        # debited by the core in an answer too deep for the gateway to decode.
        _nested(MAX_DEPTH + 1),
        b'{"a":' + b"[" * MAX_DEPTH + b"]" * MAX_DEPTH + b"}",
        b'{"a":' + b"[" * 47 + b"1" + b"]" * 47 + b"}",
        # Found by tests/fuzz: a lone surrogate cannot be encoded as UTF-8 (to sign it, or to send it on).
        b'{"user_id": "\\ud800"}',
        b'{"\\udfff": 1}',
        b'{"a": ["x", {"b": "ok\\udbff"}]}',
    ],
)
def test_too_deep_or_not_unicode_is_malformed(body: bytes) -> None:
    with pytest.raises(Refusal) as refused:
        parse_json_object(body)
    assert refused.value.reason is GatewayReason.MALFORMED_REQUEST


def test_an_escaped_surrogate_pair_is_one_character() -> None:
    assert parse_json_object(b'{"a": "\\ud83d\\ude00"}') == {"a": "\U0001f600"}
