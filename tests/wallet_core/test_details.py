"""`details_to_dict` gives what protobuf's own MessageToDict gives (integral numbers as integers), and refuses
what cannot be stored."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from google.protobuf import json_format, struct_pb2
from hypothesis import given
from hypothesis import strategies as st

from wallet_core.details import MAX_DEPTH, DetailsRefused, details_to_dict
from wallet_core.store.database import json_text

json_values = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=20,
)


def struct_of(value: dict[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(value)
    return struct


def nested(levels: int) -> dict[str, Any]:
    """A JSON object `levels` deep: {"a": {"a": ... {}}}."""
    value: dict[str, Any] = {}
    for _ in range(levels - 1):
        value = {"a": value}
    return value


@given(st.dictionaries(st.text(), json_values, max_size=6))
def test_it_answers_what_message_to_dict_answers(value: dict[str, Any]) -> None:
    struct = struct_of(value)
    converted, expected = details_to_dict(struct), json_format.MessageToDict(struct)
    assert converted == expected
    assert list(converted) == list(expected)  # the stored JSON keeps the keys in the same order


def test_an_unset_value_is_null() -> None:
    struct = struct_of({"s": "x", "b": True, "l": [1, None]})
    struct.fields["unset"].Clear()
    assert details_to_dict(struct) == {"s": "x", "b": True, "l": [1, None], "unset": None}


@pytest.mark.parametrize(
    ("number", "stored"),
    [
        (3.0, "3"),
        (0.0, "0"),
        (-7.0, "-7"),
        (2.0**53, "9007199254740992"),
        (-(2.0**53), "-9007199254740992"),
        (2.5, "2.5"),
        (-0.0, "-0.0"),
        (2.0**53 + 2, "9007199254740994.0"),
        (1e300, "1e+300"),
    ],
)
def test_an_integral_number_is_stored_as_the_integer_it_is_exactly(number: float, stored: str) -> None:
    # one key per Struct: a Struct's map has no fixed order of its keys
    for value, expected in [(number, stored), ([number], f"[{stored}]"), ({"n": number}, f'{{"n":{stored}}}')]:
        sent = struct_of({"n": value})
        text = json_text(details_to_dict(sent))
        assert text == f'{{"n":{expected}}}'
        assert struct_of(json.loads(text)) == sent  # the same doubles the caller sent
    read_back = struct_of(json.loads(json_text(details_to_dict(struct_of({"n": number})))))
    assert math.copysign(1.0, read_back.fields["n"].number_value) == math.copysign(1.0, number)  # -0.0 too


@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf])
def test_a_number_json_cannot_carry_is_refused(number: float) -> None:
    with pytest.raises(DetailsRefused, match="NaN, Infinity"):
        details_to_dict(struct_of({"deep": [{"x": number}]}))


def test_details_as_deep_as_allowed_pass_and_one_level_more_is_refused() -> None:
    assert details_to_dict(struct_of(nested(MAX_DEPTH))) == nested(MAX_DEPTH)
    with pytest.raises(DetailsRefused, match=f"deeper than {MAX_DEPTH}"):
        details_to_dict(struct_of(nested(MAX_DEPTH + 1)))


def test_lists_count_as_levels() -> None:
    value: dict[str, Any] = nested(MAX_DEPTH - 1)
    innermost = value
    while innermost:
        innermost = innermost["a"]
    innermost["list"] = []  # the list is level MAX_DEPTH: allowed
    assert details_to_dict(struct_of(value)) == value
    innermost["list"] = [[]]  # a list inside it is one too many
    with pytest.raises(DetailsRefused):
        details_to_dict(struct_of(value))
