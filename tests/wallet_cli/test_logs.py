"""wallet_cli.logs: the JSON lines say what python-json-logger's standard formatter said.

JsonLines encodes plain records with orjson and everything else with the standard library's json;
whichever it takes, a line parses to the same fields, in the same order, with the same values as the
formatter it replaced, and is one line of ASCII.
"""

from __future__ import annotations

import datetime
import enum
import json
import logging
import math
import sys
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pythonjsonlogger.json import JsonFormatter

from wallet_cli import logs
from wallet_cli.logs import JsonLines

# What `wallet` wrote before JsonLines (and what tests/security searched): the standard formatter.
REFERENCE = JsonFormatter(
    "%(asctime)s %(levelname)s %(name)s %(message)s",
    rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
)
FORMATTER = JsonLines()


class Colour(enum.Enum):
    RED = "red"


def record(
    extra: dict[str, Any],
    *,
    name: str = "wallet_core.service",
    message: str = "rpc",
    level: int = logging.INFO,
    exc_info: Any = None,
) -> logging.LogRecord:
    return logging.getLogger(name).makeRecord(name, level, __file__, 1, message, (), exc_info, extra=extra)


def same(value: Any) -> Any:
    """A parsed value with NaN made comparable (NaN != NaN)."""
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, dict):
        return {k: same(v) for k, v in value.items()}
    if isinstance(value, list):
        return [same(v) for v in value]
    return value


def check(rec: logging.LogRecord) -> dict[str, Any]:
    line = FORMATTER.format(rec)
    expected = json.loads(REFERENCE.format(rec))
    found = json.loads(line)
    assert list(found) == list(expected)
    assert same(found) == same(expected)
    assert line.isascii() and "\n" not in line
    return dict(found)


RPC = {
    "method": "Debit",
    "outcome": "OK",
    "latency_ms": 1.23,
    "provider": "aigame",
    "transaction_id": "bet-1",
    "request_id": "r-1",
}


def test_the_core_call_line_keeps_its_fields_and_values() -> None:
    line = check(record(RPC))
    assert list(line) == ["time", "level", "logger", "message", *RPC]
    assert {k: line[k] for k in RPC} == RPC
    assert (line["level"], line["logger"], line["message"]) == ("INFO", "wallet_core.service", "rpc")
    refusal = check(record({**RPC, "outcome": "INSUFFICIENT_FUNDS", "request_id": ""}))
    assert (refusal["outcome"], refusal["request_id"]) == ("INSUFFICIENT_FUNDS", "")


def test_the_gateway_access_line_keeps_its_fields_and_values() -> None:
    access = {
        "request_id": "r",
        "provider": "aigame",
        "endpoint": "bet",
        "client_ip": "203.0.113.5",
        "transaction_id": None,
        "outcome": "failure",
        "code": "800100",
        "reason": None,
        "detail": "x",
        "replay": False,
        "http_status": 200,
        "latency_ms": 0.0,
    }
    line = check(record(access, name="gateways.access", message="request"))
    assert {k: line[k] for k in access} == access


@pytest.mark.parametrize(
    "extra",
    [
        {"params": {"sign": "[redacted]", "nested": [1, 2.5, None, True, {"a": "b"}]}},  # nested values
        {
            "when": datetime.datetime(2026, 11, 21, 7, 36, 9, 582000, tzinfo=datetime.UTC),
            "day": datetime.date(2026, 1, 2),
        },
        {"colour": Colour.RED, "kind": type(None)},
        {"big": 2**64, "small": -(2**70)},  # beyond orjson's 64 bits
        {"nan": math.nan, "inf": math.inf, "ninf": -math.inf},  # the standard encoder writes NaN / Infinity
        {"text": "h\u00e9 \u4e2d \U0001f600", "quote": '"\\\n\t\x00\x7f/'},  # non-ASCII is escaped, as before
        {"surrogate": "\ud800x"},  # orjson refuses a lone surrogate
        {"ids": ("a", "b"), "raw": b"bytes"},
        {"exception": ValueError("bad value")},
    ],
)
def test_any_other_value_is_written_as_before(extra: dict[str, Any]) -> None:
    check(record(extra))


def test_a_traceback_is_written_as_before() -> None:
    try:
        raise RuntimeError("boom \u00e9")
    except RuntimeError:
        line = check(record({"request_id": "r"}, level=logging.ERROR, message="crash", exc_info=sys.exc_info()))
    assert "RuntimeError: boom" in line["exc_info"]


def test_a_message_with_arguments_is_written_as_before() -> None:
    rec = logging.getLogger("x").makeRecord(
        "x", logging.WARNING, __file__, 1, "fast-path %s failed: %s", ("debit", "boom"), None
    )
    assert check(rec)["message"] == "fast-path debit failed: boom"


_plain = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
)


@given(st.dictionaries(st.text(min_size=1, max_size=8).map(lambda k: f"x_{k}"), _plain, max_size=8))
def test_plain_fields_are_written_as_before(extra: dict[str, Any]) -> None:
    check(record(extra))


def test_configure_installs_it() -> None:
    root = logging.getLogger()
    saved, level = root.handlers[:], root.level
    try:
        logs.configure("INFO")
        assert isinstance(root.handlers[0].formatter, JsonLines)
    finally:
        root.handlers[:] = saved
        root.setLevel(level)
