"""How many inputs the fuzz tests tried, per surface, endpoint and store; printed at the end of a run."""

from __future__ import annotations

from collections import Counter

STORES = ("sqlite", "postgres")

_TRIED: Counter[tuple[str, str]] = Counter()
"""(surface endpoint, store) -> inputs sent."""


def store_of(database_url: str) -> str:
    return "sqlite" if database_url.startswith("sqlite") else "postgres"


def tried(endpoint: str, store: str, inputs: int = 1) -> None:
    """Count `inputs` more inputs sent to `endpoint` (e.g. "aigame bet", "grpc Debit") on `store`."""
    _TRIED[(endpoint, store)] += inputs


def summary_lines() -> list[str]:
    """A table: one line per endpoint with its count on each store and in total; empty if nothing ran."""
    endpoints = sorted({endpoint for endpoint, _ in _TRIED})
    if not endpoints:
        return []
    width = max(len("endpoint"), *(len(endpoint) for endpoint in endpoints))
    header = f"{'endpoint':<{width}}  " + "  ".join(f"{store:>8}" for store in STORES) + f"  {'total':>8}"
    lines = [header]
    for endpoint in endpoints:
        counts = [_TRIED[(endpoint, store)] for store in STORES]
        lines.append(f"{endpoint:<{width}}  " + "  ".join(f"{count:>8}" for count in counts) + f"  {sum(counts):>8}")
    total = [sum(_TRIED[(endpoint, store)] for endpoint in endpoints) for store in STORES]
    lines.append(f"{'all':<{width}}  " + "  ".join(f"{count:>8}" for count in total) + f"  {sum(total):>8}")
    return lines
