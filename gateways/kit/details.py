"""What a provider told about a round, kept in a transaction's `details` (a protobuf Struct), exactly.

A Struct holds numbers as doubles. Integers up to 2**53 survive that and come back as integers;
anything a double could change (larger integers, non-integral numbers, which the JSON parser keeps
as Decimal) is stored as its decimal text instead. Floats never carry these values.
"""

from collections.abc import Container, Mapping
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


def _put(target: struct_pb2.Value, value: JsonValue) -> None:
    """`target` := `value` as Struct.update stores `_storable(value)`, without building that copy first."""
    if value is None:
        target.null_value = struct_pb2.NULL_VALUE
    elif isinstance(value, bool):
        target.bool_value = value
    elif isinstance(value, str):
        target.string_value = value
    elif isinstance(value, int):
        if abs(value) > _EXACT_DOUBLE_LIMIT:
            target.string_value = str(value)
        else:
            target.number_value = value
    elif isinstance(value, Decimal):
        target.string_value = str(value)
    elif isinstance(value, dict):
        struct = target.struct_value
        struct.Clear()  # an empty object is kept as an empty Struct, not left unset
        fields = struct.fields
        for key, item in value.items():
            _put(fields[key], item)
    elif isinstance(value, list):
        items = target.list_value
        items.Clear()
        for item in value:
            _put(items.values.add(), item)
    else:  # not a JSON value (a float, a tuple): whatever Struct.update makes of it
        holder = struct_pb2.Struct()
        holder.update({"value": _storable(value)})
        target.CopyFrom(holder.fields["value"])


def to_struct(values: Mapping[str, JsonValue], *, omit: Container[str] = ()) -> struct_pb2.Struct:
    """A Struct holding `values` but the keys in `omit`, exactly (see the module's note on numbers)."""
    struct = struct_pb2.Struct()
    put_struct(struct, values, omit=omit)
    return struct


def put_struct(target: struct_pb2.Struct, values: Mapping[str, JsonValue], *, omit: Container[str] = ()) -> None:
    """`to_struct(values, omit=omit)` written straight into `target`, a request's own Struct field (marked
    set even when nothing is written, as passing a Struct to the request would), saving a copy."""
    target.SetInParent()
    fields = target.fields
    for key, value in values.items():
        if key in omit:
            continue
        # A request's fields are mostly strings and small integers: stored here without a call.
        if type(value) is str:
            fields[key].string_value = value
        elif type(value) is int and -_EXACT_DOUBLE_LIMIT <= value <= _EXACT_DOUBLE_LIMIT:
            fields[key].number_value = value
        else:
            _put(fields[key], value)


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
