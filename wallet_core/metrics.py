"""Prometheus metrics of the core: calls by method and outcome (the refusal reason), and latency."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

CALLS = Counter("wallet_core_calls_total", "gRPC calls answered by the core", ["method", "outcome"])
LATENCY = Histogram(
    "wallet_core_call_seconds", "Time to answer a gRPC call", ["method"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)


def observe_call(method: str, outcome: str, seconds: float) -> None:
    CALLS.labels(method, outcome).inc()
    LATENCY.labels(method).observe(seconds)
