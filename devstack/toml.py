"""Writing TOML (the standard library only reads it): the few value types a wallet configuration
holds. Tables come after a table's plain keys, as TOML requires."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any


def value(item: Any) -> str:
    """A TOML value: string, integer, float, boolean or an array of those."""
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int):
        return str(item)
    if isinstance(item, float):
        if not math.isfinite(item):
            raise ValueError(f"no TOML for {item!r}")
        return repr(item)
    if isinstance(item, str):
        return json.dumps(item)  # a JSON string is a TOML basic string (the same escapes)
    if isinstance(item, list | tuple):  # not any Sequence: bytes would become an array of integers
        return "[" + ", ".join(value(element) for element in item) + "]"
    raise TypeError(f"no TOML for {type(item).__name__}")


def _is_table_array(item: Any) -> bool:
    return isinstance(item, list | tuple) and bool(item) and all(isinstance(element, Mapping) for element in item)


def _key(name: str) -> str:
    bare = name.replace("_", "").replace("-", "").isalnum() and name.isascii()
    return name if bare else json.dumps(name)


def _table(lines: list[str], path: str, table: Mapping[str, Any]) -> None:
    nested = {k: v for k, v in table.items() if isinstance(v, Mapping) or _is_table_array(v)}
    for name, item in table.items():
        if name not in nested and item is not None:
            lines.append(f"{_key(name)} = {value(item)}")
    for name, item in nested.items():
        child = f"{path}.{_key(name)}" if path else _key(name)
        if isinstance(item, Mapping):
            lines += ["", f"[{child}]"]
            _table(lines, child, item)
        else:
            for element in item:
                lines += ["", f"[[{child}]]"]
                _table(lines, child, element)


def dumps(document: Mapping[str, Any]) -> str:
    """The document as TOML; keys whose value is None are left out."""
    lines: list[str] = []
    _table(lines, "", document)
    return "\n".join(lines).lstrip("\n") + "\n"
