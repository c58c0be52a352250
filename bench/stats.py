"""Latency percentiles from every sample, and the CPU time of this process."""

from __future__ import annotations

import math
import resource


def percentile(ordered: list[int], p: float) -> float:
    """The nearest-rank percentile of sorted nanosecond samples, in milliseconds."""
    if not ordered:
        return float("nan")
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1] / 1e6


def summarize(latencies_ns: list[int]) -> dict[str, float]:
    ordered = sorted(latencies_ns)
    return {
        "p50_ms": percentile(ordered, 50),
        "p90_ms": percentile(ordered, 90),
        "p99_ms": percentile(ordered, 99),
        "max_ms": ordered[-1] / 1e6 if ordered else float("nan"),
        "mean_ms": sum(ordered) / len(ordered) / 1e6 if ordered else float("nan"),
    }


def own_cpu_seconds() -> float:
    """User + system CPU of this process, all its threads included."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else 0.0
