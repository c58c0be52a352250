"""Strict JSON for request bodies: one object, no duplicate keys, no NaN, numbers kept exact.

Non-integral numbers are parsed as `Decimal`, never `float`, so the text a provider signed and the
value stored agree. Anything else is a Refusal(MALFORMED_REQUEST).
"""

import json
from decimal import Decimal
from typing import TypeAlias

from gateways.kit.refusals import GatewayReason, Refusal

JsonValue: TypeAlias = "bool | int | Decimal | str | list[JsonValue] | dict[str, JsonValue] | None"
JsonObject: TypeAlias = dict[str, JsonValue]


class _DuplicateKeyError(ValueError):
    pass


def _object_without_duplicates(pairs: list[tuple[str, JsonValue]]) -> JsonObject:
    result: JsonObject = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _refuse_constant(name: str) -> JsonValue:
    raise ValueError(f"{name} is not a JSON number")


def parse_json_object(body: bytes) -> JsonObject:
    """The JSON object in `body` (UTF-8), or a Refusal(MALFORMED_REQUEST)."""
    try:
        text = body.decode("utf-8")
        value: JsonValue = json.loads(
            text,
            parse_float=Decimal,
            parse_constant=_refuse_constant,
            object_pairs_hook=_object_without_duplicates,
        )
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise Refusal(GatewayReason.MALFORMED_REQUEST, f"body is not valid JSON: {error}") from error
    if not isinstance(value, dict):
        raise Refusal(GatewayReason.MALFORMED_REQUEST, "body is not a JSON object")
    return value
