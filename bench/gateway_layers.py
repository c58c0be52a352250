"""Splitting a gateway's cProfile table by layer, for `python -m bench.profile_gateway`.

A function is put in a layer by its file or built-in name (first match wins). Code that belongs to
no layer of its own — the standard library's helpers (json, re, enum, uuid, hmac, ...) and built-ins
such as `isinstance` — is charged to the layers of its callers, in proportion to the time it spent
for each, up the call graph: `json.loads` called by the kit's body parser is the kit's, the same
`json.dumps` called by the log formatter is logging's.
"""

from __future__ import annotations

import pstats
import sysconfig
from typing import Any

Key = tuple[str, int, str]

# (layer, marks in "<file> <function name>"), first match wins
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("logging: stdlib logging + JSON formatter (wallet_cli/logs.py)", ("/logging/", "pythonjsonlogger",
                                                                       "wallet_cli/logs.py")),
    ("logging: kit log_event + redact", ("gateways/kit/logs.py",)),
    ("metrics (prometheus_client, .labels)", ("prometheus_client", "gateways/kit/metrics.py")),
    ("protobuf (requests, Struct, Timestamp)", ("google/protobuf", "google._upb", "_message", "wallet/v1/")),
    ("grpc.aio client", ("grpc", "cygrpc")),
    ("kit: core client (metadata, deadline, retry)", ("gateways/kit/core_client.py", "gateways/kit/core_errors.py")),
    ("kit: observe middleware + record", ("gateways/kit/observe.py", "gateways/kit/record.py")),
    ("kit: endpoint + allowlist", ("gateways/kit/endpoint.py", "gateways/kit/ipallow.py", "gateways/kit/codes.py")),
    ("kit: body read", ("gateways/kit/body.py",)),
    ("kit: strict JSON parse", ("gateways/kit/jsonbody.py",)),
    ("kit: signatures (md5, compare)", ("gateways/kit/signatures.py",)),
    ("kit: details -> Struct", ("gateways/kit/details.py",)),
    ("kit: fields, money, timestamps, ids", ("gateways/kit/",)),
    ("aigame module (handlers, signature string, requests, answers)", ("gateways/aigame/",)),
    ("starlette (app, routing, request, response)", ("starlette",)),
    ("uvicorn + httptools (HTTP/1.1)", ("uvicorn", "httptools")),
    ("event loop (uvloop, asyncio, sockets)", ("asyncio", "uvloop", "selectors", "socket", "_contextvars",
                                               "<built-in method select")),
)
UNATTRIBUTED = "other (no caller in the profile)"
_STDLIB = sysconfig.get_paths()["stdlib"]

# (label, (file part, function name)): calls counted per request
COUNTS: tuple[tuple[str, tuple[str, str]], ...] = (
    ("log records", ("logging/__init__.py", "_log")),
    ("metrics .labels()", ("prometheus_client/metrics.py", "labels")),
    ("json.loads", ("json/__init__.py", "loads")),
    ("json.dumps", ("json/__init__.py", "dumps")),
    ("uuid4 (request ids)", ("uuid.py", "uuid4")),
    ("core calls", ("gateways/kit/core_client.py", "_call")),
    ("isinstance", ("~", "<built-in method builtins.isinstance>")),
)


def own_layer(filename: str, name: str) -> str | None:
    """The layer a function belongs to by itself, or None for shared helpers charged to their callers."""
    text = f"{filename} {name}"
    for layer, marks in LAYERS:
        if any(mark in text for mark in marks):
            return layer
    return None


def _package_of(filename: str) -> str:
    inside = filename.split("site-packages/")[-1]
    return inside.split("/")[0] if not inside.startswith("/") else "/".join(inside.split("/")[-2:])


class _Attribution:
    """Each function's self time as fractions per layer, following callers for shared helpers."""

    def __init__(self, table: dict[Key, Any]) -> None:
        self.table = table
        self.memo: dict[Key, dict[str, float]] = {}
        self.busy: set[Key] = set()

    def fractions(self, key: Key) -> dict[str, float]:
        if key in self.memo:
            return self.memo[key]
        filename, _line, name = key
        layer = own_layer(filename, name)
        if layer is None and filename != "~" and not filename.startswith((_STDLIB, "<")):  # "<frozen ...>"
            layer = "other: " + _package_of(filename)
        if layer is not None:
            result = {layer: 1.0}
        elif key in self.busy:  # recursion among shared helpers: stop here
            return {UNATTRIBUTED: 1.0}
        else:
            self.busy.add(key)
            result = self._from_callers(key)
            self.busy.discard(key)
        self.memo[key] = result
        return result

    def _from_callers(self, key: Key) -> dict[str, float]:
        callers: dict[Key, tuple[int, int, float, float]] = self.table[key][4]
        spent = sum(figures[2] for figures in callers.values())
        if spent <= 0:
            return {UNATTRIBUTED: 1.0}
        result: dict[str, float] = {}
        for caller, figures in callers.items():
            weight = figures[2] / spent
            for layer, fraction in self.fractions(caller).items():
                result[layer] = result.get(layer, 0.0) + weight * fraction
        return result


def calls(stats: pstats.Stats) -> int:
    """Function calls seen (every one cost the profiler the same bookkeeping)."""
    table: dict[Key, Any] = stats.stats  # type: ignore[attr-defined]
    return int(sum(figures[1] for figures in table.values()))


def in_callee_per_call(stats: pstats.Stats, at_least: int) -> float:
    """The part of the profiler's cost per call that lands in the callee's own time: what the quickest
    built-in called `at_least` times took per call (`len`, `isinstance`: next to nothing of their own)."""
    table: dict[Key, Any] = stats.stats  # type: ignore[attr-defined]
    quickest = [figures[2] / figures[1] for (filename, _l, _n), figures in table.items()
                if filename == "~" and figures[1] >= at_least]
    return min(quickest, default=0.0)


def split(stats: pstats.Stats, in_callee_s: float = 0.0, in_caller_s: float = 0.0) -> tuple[float, dict[str, float]]:
    """(total self CPU s, self CPU s per layer), less the profiler's own cost: `in_callee_s` for each
    call of a function and `in_caller_s` for each call it makes. That cost is the same for every call,
    so it otherwise weighs on small functions called often far more than on the rest."""
    table: dict[Key, Any] = stats.stats  # type: ignore[attr-defined]  # pstats keeps its table untyped
    made: dict[Key, int] = {}
    for _key, (_cc, _nc, _self, _cum, callers) in table.items():
        for caller, figures in callers.items():
            made[caller] = made.get(caller, 0) + figures[1]
    attribution = _Attribution(table)
    layers: dict[str, float] = {}
    total = 0.0
    for key, (_cc, nc, self_s, _cum, _callers) in table.items():
        own = max(0.0, self_s - nc * in_callee_s - made.get(key, 0) * in_caller_s)
        total += own
        for layer, fraction in attribution.fractions(key).items():
            layers[layer] = layers.get(layer, 0.0) + own * fraction
    return total, layers


def counts(stats: pstats.Stats) -> dict[str, int]:
    table: dict[Key, Any] = stats.stats  # type: ignore[attr-defined]
    return {
        label: sum(nc for (filename, _l, fn), (_cc, nc, *_rest) in table.items() if fn == name and part in filename)
        for label, (part, name) in COUNTS
    }


def top(stats: pstats.Stats, n: int) -> list[tuple[Key, int, float]]:
    """The `n` functions with the most self time: (key, calls, self s)."""
    table: dict[Key, Any] = stats.stats  # type: ignore[attr-defined]
    ranked = sorted(table.items(), key=lambda kv: -kv[1][2])[:n]
    return [(key, figures[1], figures[2]) for key, figures in ranked]
