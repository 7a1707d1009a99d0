"""The shipped bundle's copy of metric directions matches the Python registry."""

from __future__ import annotations

import json

from mlgate.facts.metrics import METRICS
from mlgate.resources import bundle_dir


def test_bundle_metric_directions_match_the_registry() -> None:
    shipped = json.loads((bundle_dir() / "mlgate/metrics/data.json").read_text("utf-8"))
    registry = {spec.name: spec.direction for spec in METRICS}
    assert {name: entry["direction"] for name, entry in shipped.items()} == registry
