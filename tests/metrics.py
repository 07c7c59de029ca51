"""Reading our Prometheus metrics in tests through prometheus_client's public registry."""

from prometheus_client import REGISTRY


def sample(name: str, **labels: str) -> float:
    """The current value of the sample `name` with `labels` (0 before its first increment)."""
    return REGISTRY.get_sample_value(name, labels) or 0.0
