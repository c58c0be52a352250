"""Writing JSON the way an adversary may: numbers as literal text, duplicate keys, any escaping.

`encode` writes a Python value as JSON text. Beyond what `json.dumps` writes, it takes:
- `Decimal`: written as its own text ("1E+9", "19.50"), never through a float, so that what a
  vendor signs (str of the value) is what the gateway parses back;
- `Literal("NaN")`: any token written as is (NaN, Infinity, -0, 1e400, 0x10: valid or not);
- `Pairs(...)`: an object written member by member, duplicate keys included.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Literal:
    """A token written into the JSON text as is."""

    text: str


@dataclass(frozen=True)
class Pairs:
    """An object written member by member, in order, duplicate keys included."""

    members: tuple[tuple[str, Any], ...]


def encode(value: Any, *, ascii_only: bool = False) -> str:
    """`value` as JSON text (see the module's note); strings escaped to ASCII when `ascii_only`."""
    if isinstance(value, Literal):
        return value.text
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Pairs):
        members = (
            f"{json.dumps(key, ensure_ascii=ascii_only)}:{encode(item, ascii_only=ascii_only)}"
            for key, item in value.members
        )
        return "{" + ",".join(members) + "}"
    if isinstance(value, dict):
        return encode(Pairs(tuple(value.items())), ascii_only=ascii_only)
    if isinstance(value, list | tuple):
        return "[" + ",".join(encode(item, ascii_only=ascii_only) for item in value) + "]"
    return json.dumps(value, ensure_ascii=ascii_only)


def body_of(value: Any, *, ascii_only: bool = False) -> bytes:
    """The request body for `value`: its JSON text in UTF-8 (a lone surrogate escaped, never raw)."""
    return encode(value, ascii_only=ascii_only).encode("utf-8", errors="backslashreplace")
