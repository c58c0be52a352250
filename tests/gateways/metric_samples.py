"""Reading the gateways' Prometheus series in tests (before/after deltas: the registry is process-wide)."""

from prometheus_client import REGISTRY


def sample(name: str, **labels: str) -> float:
    """The current value of one series, 0 when it was never touched."""
    return REGISTRY.get_sample_value(name, labels) or 0.0
