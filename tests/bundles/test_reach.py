"""Which packages a decision entry point reaches (the controls a report lists)."""

from __future__ import annotations

from mlgate.bundles.controls import bundle_controls
from mlgate.bundles.load import load_bundle
from mlgate.bundles.reach import entry_package, package_of, reachable_packages
from tests.conftest import REPO

MODULES = {
    "a/decision.rego": "package a\nimport data.a.controls.x\nd := x.v\n",
    "a/controls/x.rego": "package a.controls.x\nimport data.a.lib.util\nv := util.k\n",
    "a/controls/y.rego": "package a.controls.y\nv := 1\n",
    "a/lib/util.rego": "package a.lib.util\nk := 2\n",
    "a/mon/decision.rego": (
        "package a.mon\n# data.a.controls.x is not read here\nd := data.a.controls.y.v\n"
    ),
    "a/decision_test.rego": "package a\ntest_it if data.a.controls.y.v == 1\n",
}


def test_package_of_and_entry_package() -> None:
    assert package_of("# c\npackage a.b.c\n") == "a.b.c"
    assert package_of("x := 1\n") is None
    assert entry_package("data.a.mon.decision") == "a.mon"


def test_imports_are_followed_transitively_and_tests_ignored() -> None:
    assert reachable_packages(MODULES, "data.a.decision") == {"a", "a.controls.x", "a.lib.util"}


def test_references_outside_comments_count() -> None:
    assert reachable_packages(MODULES, "data.a.mon.decision") == {"a.mon", "a.controls.y"}


def test_a_prefix_reference_reaches_every_package_under_it() -> None:
    modules = {**MODULES, "a/decision.rego": "package a\nd := [v | v := data.a.controls[_].v]\n"}
    assert reachable_packages(modules, "data.a.decision") == {
        "a", "a.controls.x", "a.controls.y", "a.lib.util",
    }  # fmt: skip


def test_shipped_release_and_monitoring_controls_are_disjoint() -> None:
    modules = load_bundle(REPO / "rego").modules
    release = {c.id for c in bundle_controls(modules, "data.mlgate.decision")}
    monitoring = {c.id for c in bundle_controls(modules, "data.mlgate.monitoring.decision")}
    assert "MLG-PERF-001" in release and "MLG-MON-001" in monitoring
    assert not release & monitoring
    assert release | monitoring == {c.id for c in bundle_controls(modules)}
