"""The thresholds document a package reads: the nearest ``thresholds`` above it."""

from __future__ import annotations

from mlgate.bundles.load import load_bundle
from mlgate.bundles.thresholds import THRESHOLDS, thresholds_root, tiers_at
from tests.conftest import REPO


def test_release_and_monitoring_controls_read_their_own_thresholds() -> None:
    bundle = load_bundle(REPO / "rego")
    assert thresholds_root(bundle, "mlgate.controls.performance") == THRESHOLDS
    monitoring = thresholds_root(bundle, "mlgate.monitoring.controls.latency")
    assert monitoring == ("mlgate", "monitoring", "thresholds")
    assert thresholds_root(bundle, "mlgate.monitoring") == monitoring
    assert "p99_max_ms" in tiers_at(bundle, monitoring)["high"]["latency"]
    assert "latency" not in tiers_at(bundle)["high"]


def test_a_package_without_thresholds_above_it_falls_back_to_the_release_ones() -> None:
    bundle = load_bundle(REPO / "rego")
    assert thresholds_root(bundle, "acme.custom.rules") == THRESHOLDS
    assert tiers_at(bundle, ("acme", "thresholds")) == {}
