"""Pushing into a real OPA, which type-checks every ``PUT /v1/policies`` against what it
holds: dependency order, a new bundle replacing the last one, and a refused push
leaving OPA exactly as it was (policies and base data alike).

The pure helpers (dependency order, rule paths from OPA's listing, base documents)
are tested on their own first.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from mlgate.bundles.load import load_bundle
from mlgate.bundles.model import Bundle, Manifest
from mlgate.engine.base import DECISION_QUERY
from mlgate.engine.opa_push import _ABSENT, base_document, dependency_order, rule_paths
from mlgate.engine.opa_rest import OpaRestEngine
from mlgate.errors import BundleError
from mlgate.resources import bundle_dir
from tests.real_opa import opa_server, requires_opa

LIB_F = "package mlgate.lib.calc\n\nf(x) := x * 2\n"
LIB_G = "package mlgate.lib.calc\n\ng(x) := x * 3\n"
CONTROL = "package mlgate.controls.c\n\nimport data.mlgate.lib.calc\n\nvalue := calc.{fn}(2)\n"
DECISION = (
    "package mlgate\n\n"
    'decision := {{"outcome": "pass", "value": data.mlgate.controls.c.value, "v": "{v}"}}\n'
)


def _bundle(modules: dict[str, str], data: dict[str, Any] | None = None, rev: str = "r") -> Bundle:
    return Bundle(f"test://{rev}", Manifest(revision=rev), modules, data or {}, f"sha256:{rev}")


def _v(version: str, fn: str, lib: str, extra: dict[str, str] | None = None) -> Bundle:
    modules = {
        "mlgate/lib/calc.rego": lib,
        "mlgate/controls/c.rego": CONTROL.format(fn=fn),
        "mlgate/decision.rego": DECISION.format(v=version),
        **(extra or {}),
    }
    return _bundle(modules, {"mlgate": {"thresholds": {"x": version}}}, version)


# -- the helpers ---------------------------------------------------------------------


def test_dependency_order_puts_a_package_before_its_users() -> None:
    order = dependency_order(_v("1", "f", LIB_F).modules)
    assert order.index("mlgate/lib/calc.rego") < order.index("mlgate/controls/c.rego")
    shipped = dependency_order(load_bundle(bundle_dir()).modules)
    assert shipped.index("mlgate/lib/clock.rego") < shipped.index("mlgate/controls/approvals.rego")
    assert shipped[-1] == "mlgate/decision.rego" or "decision" not in shipped[0]


def test_rule_paths_come_from_the_listing_ast() -> None:
    ast = {
        "package": {"path": [{"type": "var", "value": "data"}, {"type": "string", "value": "a"}]},
        "rules": [
            {"head": {"name": "x", "ref": [{"type": "var", "value": "x"}]}},
            {"head": {"ref": [{"type": "var", "value": "r"}, {"type": "string", "value": "s"},
                              {"type": "var", "value": "k"}]}},
        ],
    }  # fmt: skip
    listing = [{"id": "p", "ast": ast}, {"id": "q", "raw": "package b.c\n"}]
    assert rule_paths(listing) == {("a", "x"), ("a", "r", "s"), ("b", "c")}


def test_base_document_leaves_out_what_rules_made() -> None:
    rules = {("m", "t", "rule"), ("m", "decision")}
    value = {"high": 1, "rule": {"v": 2}}
    assert base_document(("m", "t"), value, rules) == {"high": 1}
    assert base_document(("m", "decision"), {"outcome": "pass"}, rules) is _ABSENT
    assert base_document(("m", "t"), {"rule": 3}, rules) is _ABSENT
    assert base_document(("m", "other"), [1], rules) == [1]


# -- against a real OPA --------------------------------------------------------------


@pytest.fixture
def opa(tmp_path: Path) -> Iterator[str]:
    with opa_server([], tmp_path / "opa.log", ready="/health") as url:
        yield url


def _state(url: str) -> tuple[dict[str, str], Any]:
    """OPA's policies (id -> raw text) and its data at data.mlgate.thresholds."""
    listing = requests.get(f"{url}/v1/policies", timeout=5).json()["result"]
    data = requests.get(f"{url}/v1/data/mlgate/thresholds", timeout=5).json().get("result")
    return {p["id"]: p["raw"] for p in listing}, data


def _push(url: str, bundle: Bundle) -> OpaRestEngine:
    engine = OpaRestEngine.from_bundle(bundle, url=url, timeout=30)
    engine.close()
    return engine


@requires_opa
def test_the_shipped_bundle_goes_into_an_empty_opa(opa: str) -> None:
    engine = OpaRestEngine.from_bundle(load_bundle(bundle_dir()), url=opa, timeout=30)
    try:
        assert engine.evaluate(DECISION_QUERY, {})["outcome"] == "insufficient_evidence"
        assert engine.info.version not in ("", "unknown")
    finally:
        engine.close()


@requires_opa
def test_a_new_bundle_replaces_the_last_one_whatever_its_source(opa: str) -> None:
    gone = {"mlgate/controls/gone.rego": "package mlgate.controls.gone\n\ny := 1\n"}
    old = _v("12", "f", LIB_F, gone)
    _push(opa, old)
    new = _v("13", "f", LIB_F)
    _push(opa, new)
    policies, data = _state(opa)
    assert sorted(policies) == sorted(f"mlgate/{p}" for p in new.modules)  # gone.rego is gone
    assert data == {"x": "13"}
    answer = requests.post(f"{opa}/v1/data/mlgate/decision", json={}, timeout=5).json()
    assert answer["result"]["v"] == "13"


@requires_opa
def test_a_function_renamed_across_packages_is_pushed(opa: str) -> None:
    """Neither module can replace its old version while the other is there: the old
    control is taken out first, then both go up."""
    _push(opa, _v("1", "f", LIB_F))
    _push(opa, _v("2", "g", LIB_G))
    answer = requests.post(f"{opa}/v1/data/mlgate/decision", json={}, timeout=5).json()
    assert answer["result"] == {"outcome": "pass", "value": 6, "v": "2"}


@requires_opa
@pytest.mark.parametrize(
    "broken",
    [
        {"mlgate/controls/c.rego": CONTROL.format(fn="nope")},  # OPA: undefined function
        {"mlgate/controls/d.rego": 'package mlgate.controls.d\n\nx := 1 + "a"\n'},  # types
    ],
    ids=["undefined function", "type error"],
)  # fmt: skip
def test_a_push_opa_refuses_leaves_opa_as_it_was(opa: str, broken: dict[str, str]) -> None:
    _push(opa, _v("1", "f", LIB_F))
    before = _state(opa)
    bad = _v("2", "g", LIB_G)
    bad.modules.update(broken)
    with pytest.raises(BundleError, match="OPA could not compile"):
        _push(opa, bad)
    assert _state(opa) == before


@requires_opa
def test_a_refused_data_write_does_not_write_a_rule_value_back_as_data(opa: str) -> None:
    """The bundle's data sits on its own rule: OPA refuses the write; what was read
    there before was the rule's value, and it must not come back as a base document."""
    first = _v("1", "f", LIB_F)
    _push(opa, first)
    before = _state(opa)
    clash = _v("2", "f", LIB_F)
    clash.data["mlgate"]["controls"] = {"c": {"value": 99}}  # data.mlgate.controls.c.value
    with pytest.raises(BundleError, match="conflicting rule"):
        _push(opa, clash)
    assert _state(opa) == before
    answer = requests.post(f"{opa}/v1/data/mlgate/decision", json={}, timeout=5).json()
    assert answer["result"]["value"] == 4  # the rule's, not data left behind
