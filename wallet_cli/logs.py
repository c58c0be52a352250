"""Structured logs: one JSON object per line on stderr, with the fields passed in ``extra``."""

from __future__ import annotations

import functools
import json
import logging
import math
import sys
from typing import Any

import orjson
from pythonjsonlogger.json import JsonFormatter

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
RENAMED = {"asctime": "time", "levelname": "level", "name": "logger"}
# The types orjson writes exactly as the standard library's json does (same value once parsed).
_PLAIN: frozenset[type] = frozenset({str, int, float, bool, type(None)})


class JsonLines(JsonFormatter):
    """python-json-logger's formatter, encoding with orjson where that gives the same JSON.

    The standard library's encoder was about a quarter of a log line's cost, and every core call and
    gateway request writes one. orjson takes a record whose values are all plain (str, int, bool,
    None, finite float): the flat lines of the core and the gateways. Everything else (nested
    values, datetimes, NaN, an int beyond 64 bits, non-ASCII text that orjson would not escape) is
    written by the standard library's encoder as before, so every line stays ASCII-only JSON with
    the same fields and values. Both write compact JSON (no space after ':' and ',').
    """

    def __init__(self) -> None:
        super().__init__(
            FORMAT, rename_fields=RENAMED, json_serializer=functools.partial(json.dumps, separators=(",", ":"))
        )

    def jsonify_log_record(self, log_data: dict[str, Any]) -> str:
        for value in log_data.values():
            kind = type(value)
            if kind not in _PLAIN or (kind is float and not math.isfinite(value)):
                return super().jsonify_log_record(log_data)
        try:
            line = orjson.dumps(log_data)
        except orjson.JSONEncodeError:  # an int beyond 64 bits, a lone surrogate, a key that is not a str
            return super().jsonify_log_record(log_data)
        if not line.isascii():  # the standard encoder escapes non-ASCII text
            return super().jsonify_log_record(log_data)
        return line.decode("ascii")


def configure(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # uvicorn's access log repeats what the gateways' own request log says, without its fields.
    logging.getLogger("uvicorn.access").disabled = True
    # uvicorn's start-up chatter does not name the gateway; `wallet` logs each listening address itself.
    logging.getLogger("uvicorn.error").setLevel(max(root.level, logging.WARNING))
