from collections.abc import Callable
from functools import partial

import pytest

from gateways.kit.fields import MAX_ID_LENGTH, Fields
from gateways.kit.jsonbody import JsonObject
from gateways.kit.refusals import GatewayReason, Refusal

PARAMS: JsonObject = {
    "name": "testUid03",
    "empty": "",
    "null": None,
    "number": 10231,
    "digits": "1744601317080",
    "flag": True,
    "amount": "19.50",
    "bad_amount": "-1",
    "object": {"Banker": 10},
    "list": ["Banker"],
    "long": "x" * (MAX_ID_LENGTH + 1),
}


def refusal(call: Callable[[], object]) -> GatewayReason:
    with pytest.raises(Refusal) as refused:
        call()
    return refused.value.reason


def test_present_values_are_read_with_their_types() -> None:
    fields = Fields(PARAMS)
    assert fields.text("name") == "testUid03"
    assert fields.identifier("number") == "10231"
    assert fields.identifier("name") == "testUid03"
    assert fields.integer("number") == 10231
    assert fields.integer("digits") == 1744601317080
    assert fields.amount("amount") == "19.50"
    assert fields.optional_object("object") == {"Banker": 10}


def test_absent_null_and_empty_values_are_missing() -> None:
    fields = Fields(PARAMS)
    for name in ("absent", "null", "empty"):
        assert fields.optional_text(name) is None
        assert fields.optional_identifier(name) is None
        assert fields.optional_integer(name) is None
        assert fields.optional_amount(name) is None
        assert fields.optional_object(name) is None
        for getter in ("text", "identifier", "integer", "amount"):
            assert refusal(partial(getattr(fields, getter), name)) is GatewayReason.MALFORMED_REQUEST


@pytest.mark.parametrize(
    ("getter", "name"),
    [
        ("text", "number"),
        ("text", "object"),
        ("text", "long"),
        ("identifier", "flag"),
        ("identifier", "list"),
        ("integer", "flag"),
        ("integer", "name"),
        ("integer", "amount"),
        ("amount", "number"),
        ("amount", "object"),
        ("optional_object", "list"),
        ("optional_object", "name"),
    ],
)
def test_mistyped_values_are_malformed(getter: str, name: str) -> None:
    assert refusal(lambda: getattr(Fields(PARAMS), getter)(name)) is GatewayReason.MALFORMED_REQUEST


def test_an_amount_string_that_is_not_a_plain_decimal_is_an_invalid_amount() -> None:
    assert refusal(lambda: Fields(PARAMS).amount("bad_amount")) is GatewayReason.INVALID_AMOUNT
