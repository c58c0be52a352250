"""Prometheus metrics of the core: calls by method and outcome (the refusal reason), and latency."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

CALLS = Counter("wallet_core_calls_total", "gRPC calls answered by the core", ["method", "outcome"])
LATENCY = Histogram(
    "wallet_core_call_seconds",
    "Time to answer a gRPC call",
    ["method"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
PAYOUTS_HELD = Counter(
    "wallet_payouts_held_total", "Payouts held for review (past the provider's multiple of the stake)", ["provider"]
)

# The labelled children of each (method, outcome) seen: .labels() checks, locks and looks up on every
# call, and was most of a call's metrics cost. Methods and outcomes (reasons) are few and fixed.
_children: dict[tuple[str, str], tuple[Counter, Histogram]] = {}


def observe_call(method: str, outcome: str, seconds: float) -> None:
    children = _children.get((method, outcome))
    if children is None:
        children = _children[(method, outcome)] = (CALLS.labels(method, outcome), LATENCY.labels(method))
    children[0].inc()
    children[1].observe(seconds)
