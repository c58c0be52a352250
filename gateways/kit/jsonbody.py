"""Strict JSON for request bodies: one object, no duplicate keys, no NaN, numbers kept exact.

Non-integral numbers are parsed as `Decimal`, never `float`, so the text a provider signed and the
value stored agree. Two more things are refused, because what follows could not carry them: a
string or key holding a lone surrogate (`"\\ud800"`: not a Unicode character, so it cannot be
written as UTF-8, signed or sent to the core), and nesting deeper than MAX_DEPTH (the body's fields
become a transaction's `details`, which the core refuses deeper: see wallet.contract_limits).
Anything else is a Refusal(MALFORMED_REQUEST).

A body is decoded once: `body_text` gives the text a request keeps as sent, `parse_json_text` its
object.
"""

import json
import re
from decimal import Decimal
from typing import TypeAlias

from gateways.kit.refusals import GatewayReason, Refusal
from wallet.contract_limits import DETAILS_MAX_DEPTH

JsonValue: TypeAlias = "bool | int | Decimal | str | list[JsonValue] | dict[str, JsonValue] | None"
JsonObject: TypeAlias = dict[str, JsonValue]

MAX_DEPTH = DETAILS_MAX_DEPTH
"""Objects and arrays nested deeper than this are refused (the body object is level 1): the core
could not keep them in `details`, and no provider sends more than a few levels."""
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
"""The only way a surrogate gets into a parsed string: strict UTF-8 decoding refuses encoded ones."""


class _DuplicateKeyError(ValueError):
    pass


def _object_without_duplicates(pairs: list[tuple[str, JsonValue]]) -> JsonObject:
    result: JsonObject = dict(pairs)
    if len(result) != len(pairs):  # the rare case: name the first key repeated
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise _DuplicateKeyError(f"duplicate key {key!r}")
            seen.add(key)
    return result


def _refuse_constant(name: str) -> JsonValue:
    raise ValueError(f"{name} is not a JSON number")


def body_text(body: bytes) -> str:
    """`body` decoded as UTF-8, or a Refusal(MALFORMED_REQUEST)."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Refusal(GatewayReason.MALFORMED_REQUEST, f"body is not valid JSON: {error}") from error


def parse_json_object(body: bytes) -> JsonObject:
    """The JSON object in `body` (UTF-8), or a Refusal(MALFORMED_REQUEST)."""
    return parse_json_text(body_text(body))


def parse_json_text(text: str) -> JsonObject:
    """The JSON object in `text`, or a Refusal(MALFORMED_REQUEST)."""
    try:
        value: JsonValue = json.loads(
            text,
            parse_float=Decimal,
            parse_constant=_refuse_constant,
            object_pairs_hook=_object_without_duplicates,
        )
    except (ValueError, RecursionError) as error:
        raise Refusal(GatewayReason.MALFORMED_REQUEST, f"body is not valid JSON: {error}") from error
    if not isinstance(value, dict):
        raise Refusal(GatewayReason.MALFORMED_REQUEST, "body is not a JSON object")
    if _may_be_refused(text):
        _check(value, 1)
    return value


def _may_be_refused(text: str) -> bool:
    """False when the text alone shows that `_check` has nothing to refuse, which saves walking every
    value of every request: no surrogate escape (see _ESCAPED_SURROGATE), and no more opening
    brackets in all than MAX_DEPTH (each level of nesting needs one)."""
    return text.count("{") + text.count("[") > MAX_DEPTH or _ESCAPED_SURROGATE.search(text) is not None


def _check_text(text: str) -> None:
    if _SURROGATE.search(text):
        raise Refusal(GatewayReason.MALFORMED_REQUEST, "body holds a lone surrogate (\\uD800-\\uDFFF)")


def _check(value: JsonValue, depth: int) -> None:
    """Refuse lone surrogates anywhere and nesting deeper than MAX_DEPTH (`value` is at `depth`)."""
    if isinstance(value, str):
        _check_text(value)
        return
    if not isinstance(value, dict | list):
        return
    if depth > MAX_DEPTH:
        raise Refusal(GatewayReason.MALFORMED_REQUEST, f"body is nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, dict):
        for key, item in value.items():
            _check_text(key)
            _check(item, depth + 1)
    else:
        for item in value:
            _check(item, depth + 1)
