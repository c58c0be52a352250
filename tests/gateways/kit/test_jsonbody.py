import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateways.kit import jsonbody
from gateways.kit.jsonbody import MAX_DEPTH, JsonObject, parse_json_object
from gateways.kit.refusals import GatewayReason, Refusal
from tests.fuzz.jsontext import Pairs, body_of


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


def _parsed_and_checked_in_full(body: bytes) -> JsonObject | None:
    """What parse_json_object answered before it looked at the text first: every value walked."""
    try:
        value = json.loads(
            body.decode("utf-8"),
            parse_float=Decimal,
            parse_constant=jsonbody._refuse_constant,
            object_pairs_hook=jsonbody._object_without_duplicates,
        )
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(value, dict):
        return None
    try:
        jsonbody._check(value, 1)
    except Refusal:
        return None
    return value


# Strings a provider might send, and the pieces that decide a check: surrogates (lone, paired, or a
# backslash before "u" that is no escape at all), brackets inside strings, non-ASCII text.
TEXTS = st.lists(
    st.sampled_from(["a", "é", "名", "\ud800", "\udfff", "\U0001f600", "\\", "\\ud800", "{", "[", '"']), max_size=4
).map("".join)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | TEXTS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.lists(st.tuples(TEXTS, inner), max_size=3).map(lambda members: Pairs(tuple(members)))
    ),
    max_leaves=12,
)


@given(VALUES, st.integers(min_value=0, max_value=MAX_DEPTH + 2), st.booleans())
def test_the_text_s_first_look_refuses_exactly_what_a_full_walk_refused(
    value: object, wrapped: int, ascii_only: bool
) -> None:
    for _ in range(wrapped):  # deep enough, now and then, to cross MAX_DEPTH
        value = Pairs((("k", value),)) if wrapped % 2 else [value]
    body = body_of(Pairs((("v", value),)), ascii_only=ascii_only)
    expected = _parsed_and_checked_in_full(body)
    if expected is None:
        with pytest.raises(Refusal) as refused:
            parse_json_object(body)
        assert refused.value.reason is GatewayReason.MALFORMED_REQUEST
    else:
        assert parse_json_object(body) == expected


def test_the_first_key_repeated_is_named() -> None:
    with pytest.raises(Refusal) as refused:
        parse_json_object(b'{"a": 1, "b": 2, "b": 3, "a": 4}')
    assert refused.value.detail == "body is not valid JSON: duplicate key 'b'"


def test_what_looks_like_a_surrogate_but_is_not_one_is_read() -> None:
    assert parse_json_object(b'{"a": "\\\\ud800", "[{": "[[{{"}') == {"a": "\\ud800", "[{": "[[{{"}
