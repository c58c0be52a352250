"""A request's `details` (a google.protobuf.Struct) as the plain JSON object the ledger stores.

One walk converts it and enforces what storing it needs: no NaN or Infinity (JSON cannot carry
them) and at most MAX_DEPTH levels of nesting (protobuf refuses to decode a message nested
about 30 Struct levels deep, so deeper details would be applied and their answer lost). The
values are those of ``json_format.MessageToDict``, at a fraction of its cost: this runs on every
money call. An integral number is kept as an integer: a Struct holds every number as a double, so
``5`` comes as ``5.0``, which JSON would store with two characters more for the same double.
"""

from __future__ import annotations

import math
from typing import Any

from google.protobuf import struct_pb2

from wallet.contract_limits import DETAILS_MAX_DEPTH

MAX_DEPTH = DETAILS_MAX_DEPTH  # the gateways refuse a deeper body first (wallet/contract_limits.py)
_NOT_FINITE = "details holds a number JSON cannot carry (NaN, Infinity)"
_EXACT_DOUBLE_LIMIT = 2.0**53  # beyond it a double is not one integer but a range of them


class DetailsRefused(ValueError):
    """The details cannot be stored; the message says why."""


def details_to_dict(struct: struct_pb2.Struct, max_depth: int = MAX_DEPTH) -> dict[str, Any]:
    return _struct(struct, 1, max_depth)


def _struct(struct: struct_pb2.Struct, level: int, max_depth: int) -> dict[str, Any]:
    if level > max_depth:
        raise DetailsRefused(f"details nest deeper than {max_depth} levels")
    # The usual values (strings, numbers) are read here rather than through _value: a call per
    # field, and the map's generic items() view, were most of the cost. Same values, same order.
    fields = struct.fields
    result: dict[str, Any] = {}
    for key in fields:
        value = fields[key]
        kind = value.WhichOneof("kind")
        if kind == "string_value":
            result[key] = value.string_value
        elif kind == "number_value":
            result[key] = _number(value.number_value)
        else:
            result[key] = _value(value, level, max_depth)
    return result


def _value(value: struct_pb2.Value, level: int, max_depth: int) -> Any:
    kind = value.WhichOneof("kind")
    if kind == "string_value":
        return value.string_value
    if kind == "number_value":
        return _number(value.number_value)
    if kind == "bool_value":
        return value.bool_value
    if kind == "struct_value":
        return _struct(value.struct_value, level + 1, max_depth)
    if kind == "list_value":
        if level + 1 > max_depth:
            raise DetailsRefused(f"details nest deeper than {max_depth} levels")
        return [_value(item, level + 1, max_depth) for item in value.list_value.values]
    return None  # null_value, or a Value with nothing set (MessageToDict answers None too)


def _number(number: float) -> int | float:
    """The number as stored: an integral double as the integer it is exactly (not -0.0, whose sign an
    integer would lose), any other finite one as it is."""
    if not math.isfinite(number):
        raise DetailsRefused(_NOT_FINITE)
    if (
        number.is_integer()
        and -_EXACT_DOUBLE_LIMIT <= number <= _EXACT_DOUBLE_LIMIT
        and (number or math.copysign(1.0, number) > 0)
    ):
        return int(number)
    return number
