"""Hypothesis strategies for adversarial provider input: JSON values, raw bodies, and mutations.

- `values(nested=...)`: what an adversary puts in a field: wrong types, huge and tiny numbers,
  number-like strings ("1e9", "NaN", "-0"), unicode, lone surrogates, NUL, long strings, deep
  nesting. Top-level values may be `Decimal`s written as literal numbers; values inside a container
  never are (a vendor signs nested values with `json.dumps`, which has no Decimal).
- `raw_bodies()`: whole bodies that are not one well-formed object: garbage bytes, invalid UTF-8,
  duplicate keys, NaN and other bare tokens, truncated JSON, deep nesting, megabyte bodies, arrays.
- `mutate(draw, document)`: a valid request spoilt at one to three places (a member removed,
  replaced by an adversarial value, or an unknown member added), anywhere in its tree.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from tests.fuzz.jsontext import Literal, Pairs, body_of

NUMBER_LIKE = (
    "1e9", "1E+9", "NaN", "nan", "-0", "0", "-1", "+1", "-0.00", "0.00", "1e-400", "1e400", "Infinity",
    "-Infinity", "inf", "0x10", "1_000", "1,000.00", " 1", "1 ", ".5", "5.", "00.5", "1.", "١٢٣", "\uff11\uff12",
    "10.001", "10.12345678901234567890", "9" * 30, "9" * 400, "1e9999999", "0.0000001", "1/2", "", " ",
    "true", "null", "[]", "{}",
)  # fmt: skip
ODD_STRINGS = (
    "\x00", "a\x00b", "\ud800", "\udfff", "\ufeff", "\u202e", "🂡", "ß", "İ", "\n", "\r\n", "\t", "'", '"',
    "\\", "../../etc/passwd", "<script>", "%00", "%s%n", "${jndi:ldap://x}", "DROP TABLE accounts;--",
    "A" * 129, "A" * 10_000,
)  # fmt: skip
HUGE_INTEGERS = (2**31, 2**53, 2**53 + 1, 2**63 - 1, 2**63, 2**64, -(2**63) - 1, 10**30, -(10**30), 10**400)
ODD_DECIMALS = (
    Decimal("1E+9"), Decimal("1e-7"), Decimal("-0.0"), Decimal("0.0"), Decimal("1E+400"), Decimal("1E-400"),
    Decimal("19.50"), Decimal("-19.50"), Decimal("1.0E+2"), Decimal("123456789012345678901234567890.5"),
)  # fmt: skip


def _deep(depth: int, as_list: bool) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value] if as_list else {"a": value}
    return value


def scalars() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.sampled_from(HUGE_INTEGERS),
        st.text(max_size=40),
        st.sampled_from(NUMBER_LIKE),
        st.sampled_from(ODD_STRINGS),
        st.from_regex(r"[0-9]{1,25}(\.[0-9]{1,20})?", fullmatch=True),
    )


def deep_values() -> st.SearchStrategy[Any]:
    """Nesting from harmless to far beyond what any provider sends."""
    return st.builds(_deep, st.integers(min_value=2, max_value=400), st.booleans())


def _containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)


def values(*, nested: bool = False) -> st.SearchStrategy[Any]:
    """An adversarial field value; a `Decimal` only when not `nested`."""
    containers = st.recursive(scalars(), _containers, max_leaves=12)
    nasty = st.sampled_from((*ODD_STRINGS, *HUGE_INTEGERS, *NUMBER_LIKE))
    options = [scalars(), containers, nasty, nasty, deep_values(), st.sampled_from(([], {}, None, "", True, 0))]
    if not nested:
        options.append(st.sampled_from(ODD_DECIMALS))
        options.append(st.decimals(allow_nan=False, allow_infinity=False, places=4))
    return st.one_of(*options)


def _tokens() -> st.SearchStrategy[Any]:
    """Values for raw bodies: anything `values` gives, plus bare tokens and duplicate-key objects."""
    literal = st.sampled_from(
        ("NaN", "Infinity", "-Infinity", "-0", "1e9", "1E400", "-1e-400", "0x10", "01", "1.", ".5", "+1", "true1")
    ).map(Literal)
    duplicates = st.lists(
        st.tuples(st.sampled_from(("a", "user_id", "amount", "txId")), scalars()), min_size=2, max_size=5
    ).map(lambda members: Pairs((*members, members[0])))
    return st.one_of(values(), literal, duplicates)


def _megabyte(size: int) -> bytes:
    return b'{"user_id":"' + b"x" * size + b'"}'


def raw_bodies() -> st.SearchStrategy[bytes]:
    """Bodies a gateway must refuse as a whole (or read as an object it then refuses field by field)."""
    return st.one_of(
        st.builds(lambda value, ascii_only: body_of(value, ascii_only=ascii_only), _tokens(), st.booleans()),
        st.binary(max_size=300),
        st.sampled_from(
            (
                b"",
                b" ",
                b"{",
                b"}",
                b"[]",
                b"null",
                b'"text"',
                b"12",
                b"{}",
                b'{"a":1,}',
                b"{'a': 1}",
                b'{"a": NaN}',
                b'{"a": Infinity}',
                b'{"a": "\xff\xfe"}',
                b"\xef\xbb\xbf{}",
                b'{"a":"\\ud800"}',
                b'{"a": 1}{"b": 2}',
                b'{"a": 1} trailing',
                b'{"\x00": 1}',
                b'{"a": "\\u0000"}',
                b"[" * 5000 + b"]" * 5000,
                b'{"a":' * 3000 + b"1" + b"}" * 3000,
                b"{" * 100_000,
            )
        ),
        st.integers(min_value=65_000, max_value=1_100_000).map(_megabyte),
    )


# --- mutations of a valid request ------------------------------------------------------------------

Path = tuple[str | int, ...]
EXTRA_KEYS = ("extra", "__proto__", "constructor", "sign ", "Sign", "SIGN", "ключ", "", "a" * 200)


def paths(document: Any, prefix: Path = ()) -> list[Path]:
    """Every place in a JSON tree: each object member and list element, depth first."""
    found: list[Path] = []
    if isinstance(document, dict):
        for key, value in document.items():
            found.append((*prefix, key))
            found.extend(paths(value, (*prefix, key)))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found.append((*prefix, index))
            found.extend(paths(value, (*prefix, index)))
    return found


def _parent(document: Any, path: Path) -> Any:
    node = document
    for step in path[:-1]:
        node = node[step]
    return node


Draw = Callable[[st.SearchStrategy[Any]], Any]


def mutate(draw: Draw, document: dict[str, Any], *, extra_keys: tuple[str, ...] = ()) -> tuple[dict[str, Any], str]:
    """A deep copy of `document` spoilt at one to three places, and a description of what was done."""
    spoilt = copy.deepcopy(document)
    done: list[str] = []
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        places = paths(spoilt)
        action = draw(st.sampled_from(("remove", "replace", "replace", "add")))
        if action == "add" or not places:
            containers = [(), *(place for place in places if isinstance(_node(spoilt, place), dict))]
            where = draw(st.sampled_from(containers))
            key = draw(st.sampled_from(EXTRA_KEYS + extra_keys) | st.text(max_size=6))
            value = draw(values(nested=bool(where)))
            _node(spoilt, where)[key] = value
            done.append(f"add {(*where, key)!r}")
            continue
        place = draw(st.sampled_from(places))
        parent = _parent(spoilt, place)
        if action == "remove":
            del parent[place[-1]]
            done.append(f"remove {place!r}")
        else:
            parent[place[-1]] = draw(values(nested=len(place) > 1))
            done.append(f"replace {place!r}")
    return spoilt, "; ".join(done)


def _node(document: Any, path: Path) -> Any:
    node = document
    for step in path:
        node = node[step]
    return node
