"""What a provider told about a round, kept in a transaction's `details` (a protobuf Struct), exactly.

A Struct holds numbers as doubles. Integers up to 2**53 survive that and come back as integers;
anything a double could change (larger integers, non-integral numbers, which the JSON parser keeps
as Decimal) is stored as its decimal text instead. Floats never carry these values.
"""

from collections.abc import Mapping
from decimal import Decimal

from google.protobuf import struct_pb2

from gateways.kit.jsonbody import JsonObject, JsonValue

_EXACT_DOUBLE_LIMIT = 2**53

StructValue = bool | int | str | list["StructValue"] | dict[str, "StructValue"] | None


def _storable(value: JsonValue) -> StructValue:
    if isinstance(value, dict):
        return {key: _storable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_storable(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > _EXACT_DOUBLE_LIMIT:
        return str(value)
    return value


def to_struct(values: Mapping[str, JsonValue]) -> struct_pb2.Struct:
    """A Struct holding `values` exactly (see the module's note on numbers)."""
    struct = struct_pb2.Struct()
    struct.update({key: _storable(value) for key, value in values.items()})
    return struct


def _from_value(value: struct_pb2.Value) -> JsonValue:
    kind = value.WhichOneof("kind")
    if kind == "struct_value":
        return from_struct(value.struct_value)
    if kind == "list_value":
        return [_from_value(item) for item in value.list_value.values]
    if kind == "string_value":
        return value.string_value
    if kind == "bool_value":
        return value.bool_value
    if kind == "number_value":
        number = value.number_value
        return int(number) if number.is_integer() else repr(number)
    return None


def from_struct(struct: struct_pb2.Struct) -> JsonObject:
    """The values of a Struct: integral numbers as integers, any other number (never written by
    `to_struct`) as its text."""
    return {key: _from_value(value) for key, value in struct.fields.items()}
