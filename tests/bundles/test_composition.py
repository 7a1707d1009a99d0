"""A new control package decides as soon as it is in the bundle (issue 19).

The release decision walks every package directly under ``mlgate.controls`` and the
monitoring decision every package under ``mlgate.monitoring.controls``: a planted
control (its rules, thresholds per tier and test) fails a check with nothing
imported or listed in ``decision.rego``, on the embedded engine and on a real OPA.
A package the decisions do not walk (nested one level deeper, outside the
namespace, or a decision that lists its families by hand) is a ``bundle lint``
error, ``unread-control``, at the rule's file and line.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from mlgate.authoring.composition import unread_rules
from mlgate.authoring.findings import Finding
from mlgate.authoring.lint import lint
from mlgate.authoring.testing import run_tests
from mlgate.bundles.load import load_bundle
from mlgate.cli.main import main
from mlgate.decisions.evaluate import decide
from mlgate.engine.base import Engine
from mlgate.engine.embedded import EmbeddedEngine
from mlgate.engine.opa_binary import OpaBinaryEngine
from mlgate.engine.opa_rest import OpaRestEngine
from mlgate.facts.load import load_document
from mlgate.facts.normalize import normalize
from mlgate.resources import bundle_dir
from tests.conftest import REPO
from tests.monitoring import generate as g
from tests.real_opa import opa_server, requires_opa

# The licence control of README's walkthrough, and its test.
LICENSE = (REPO / "examples/policy-authoring/license.rego").read_text(encoding="utf-8")
LICENSE_TEST = (REPO / "examples/policy-authoring/license_test.rego").read_text(encoding="utf-8")

LICENSE_THRESHOLDS = """  license:
    denied: [GPL-3.0, AGPL-3.0]
    required: {required}
"""

MONITORING = """# METADATA
# title: "Monitoring: licence revoked"
# description: A licence withdrawn after release takes the model out of service.
package mlgate.monitoring.controls.license

# METADATA
# title: Licence not revoked
# description: The model card's licence is not on the revoked list.
# custom:
#   control_id: MLG-MON-099
#   severity: critical
#   requires: [/documentation/model_card/license]
violation contains v if {
\tinput.documentation.model_card.license == "GPL-3.0"
\tv := {
\t\t"control": "MLG-MON-099",
\t\t"rule": "license_revoked",
\t\t"severity": "critical",
\t\t"message": "licence GPL-3.0 was revoked",
\t\t"expected": {"not": "GPL-3.0"},
\t\t"actual": "GPL-3.0",
\t\t"evidence": "/documentation/model_card/license",
\t}
}
"""


def _planted(tmp_path: Path) -> Path:
    """The shipped bundle plus MLG-LIC-001: its package, its test and its thresholds."""
    policy = tmp_path / "policy"
    shutil.copytree(bundle_dir(), policy)
    controls = policy / "mlgate" / "controls"
    (controls / "license.rego").write_text(LICENSE, encoding="utf-8")
    (controls / "license_test.rego").write_text(LICENSE_TEST, encoding="utf-8")
    thresholds = policy / "mlgate" / "thresholds" / "data.yaml"
    lines = []
    for line in thresholds.read_text(encoding="utf-8").splitlines(keepends=True):
        lines.append(line)
        if line.rstrip() in ("low:", "medium:", "high:"):
            lines.append(LICENSE_THRESHOLDS.format(required=str(line != "low:\n").lower()))
    thresholds.write_text("".join(lines), encoding="utf-8")
    return policy


def _facts(license: str | None) -> dict[str, Any]:
    facts = load_document(REPO / "examples/credit-risk/passing.yaml")
    card = facts["documentation"]["model_card"]
    if license is None:
        del card["license"]
    else:
        card["license"] = license
    return facts


def _decision(engine: Engine, policy: Path, facts: dict[str, Any]) -> dict[str, Any]:
    return decide(normalize(facts), load_bundle(policy), engine).document


def _controls(items: list[dict[str, Any]]) -> set[str]:
    return {str(i["control"]) for i in items}


def test_the_planted_control_is_clean_and_tested(tmp_path: Path) -> None:
    policy = _planted(tmp_path)
    bundle = load_bundle(policy)
    assert [f for f in lint(bundle) if f.level == "error"] == []
    report = run_tests(bundle, [])
    names = {r.name for r in report.results if r.passed}
    assert "mlgate.controls.license_test.test_gpl_is_denied" in names
    assert all(r.passed for r in report.results)


def test_a_planted_control_decides_with_nothing_imported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = _planted(tmp_path)
    decision = (policy / "mlgate/decision.rego").read_text(encoding="utf-8")
    assert "import data.mlgate.controls.license" not in decision
    assert "license.violation" not in decision
    gpl = tmp_path / "gpl.json"
    gpl.write_text(json.dumps(_facts("GPL-3.0")), encoding="utf-8")
    code = main(["check", "-f", str(gpl), "-b", str(policy), "-e", "embedded", "--no-log"])
    out = capsys.readouterr().out
    assert code == 1, out
    assert "MLG-LIC-001 [high] licence GPL-3.0 is denied at the medium tier" in out
    with EmbeddedEngine.from_bundle(load_bundle(policy)) as engine:
        assert _decision(engine, policy, _facts("proprietary"))["outcome"] == "pass"
        absent = _decision(engine, policy, _facts(None))
    assert absent["outcome"] == "insufficient_evidence"
    assert _controls(absent["missing_evidence"]) == {"MLG-LIC-001"}


@requires_opa
@pytest.mark.opa
def test_a_planted_control_decides_alike_on_a_real_opa(tmp_path: Path) -> None:
    policy = _planted(tmp_path)
    bundle = load_bundle(policy)
    with (
        opa_server(["--bundle", str(policy)], tmp_path / "opa.log") as served,
        EmbeddedEngine.from_bundle(bundle) as embedded,
    ):
        opas = {
            "opa-binary": OpaBinaryEngine.from_bundle(bundle, timeout=60),
            "opa-url no-push": OpaRestEngine.from_bundle(bundle, url=served, push=False),
        }
        try:
            for license in ("GPL-3.0", "proprietary", None):
                mine = _decision(embedded, policy, _facts(license))
                for name, opa in opas.items():
                    theirs = _decision(opa, policy, _facts(license))
                    for field in ("outcome", "violations", "missing_evidence"):
                        assert mine[field] == theirs[field], (license, name, field)
            tested = subprocess.run(
                ["opa", "test", str(policy)], capture_output=True, text=True, check=False
            )
            assert tested.returncode == 0 and "PASS: " in tested.stdout, tested.stdout
            gpl = _decision(embedded, policy, _facts("GPL-3.0"))
            assert _controls(gpl["violations"]) == {"MLG-LIC-001"}
        finally:
            for opa in opas.values():
                opa.close()


def _monitor(tmp_path: Path, policy: Path, license: str) -> list[str]:
    facts = g.facts("medium", documentation={"model_card": {"license": license}})
    path = tmp_path / f"monitor-{license}.json"
    path.write_text(json.dumps(facts), encoding="utf-8")
    fast = g.latency(fast_ms=120, slow_ms=600, slow_per_100=0)
    return [
        "monitor", "-f", str(path), "-b", str(policy), "-e", "embedded", "--at", g.END,
        "-s", f"latency_ms:ms={g.write(tmp_path / 'fast.json', fast)}",
        "-s", f"prediction_confidence={g.write(tmp_path / 'c.json', g.points(mean=0.92, sd=0.01))}",
        "--drift", str(g.drift_report(tmp_path / "drift.json", {"income": 0.01}, "PSI")),
    ]  # fmt: skip


def test_a_planted_monitoring_control_decides_with_nothing_imported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "policy"
    shutil.copytree(bundle_dir(), policy)
    (policy / "mlgate/monitoring/controls/license.rego").write_text(MONITORING, encoding="utf-8")
    assert [f for f in lint(load_bundle(policy)) if f.level == "error"] == []
    assert main(_monitor(tmp_path, policy, "MIT")) == 0
    capsys.readouterr()
    assert main(_monitor(tmp_path, policy, "GPL-3.0")) == 1
    assert "MLG-MON-099 [critical] licence GPL-3.0 was revoked" in capsys.readouterr().out


def _unread(policy: Path, rel: str, text: str) -> list[Finding]:
    target = policy / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return [f for f in lint(load_bundle(policy)) if f.code == "unread-control"]


@pytest.mark.parametrize(
    ("rel", "package"),
    [
        ("mlgate/controls/vendor/license.rego", "mlgate.controls.vendor.license"),
        ("mlgate/control/license.rego", "mlgate.control.license"),
        ("mlgate/monitoring/license.rego", "mlgate.monitoring.license"),
        (
            "mlgate/monitoring/controls/extra/license.rego",
            "mlgate.monitoring.controls.extra.license",
        ),
    ],
)
def test_a_control_no_decision_walks_is_a_lint_error(
    tmp_path: Path, rel: str, package: str, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "policy"
    shutil.copytree(bundle_dir(), policy)
    text = LICENSE.replace("package mlgate.controls.license", f"package {package}")
    found = _unread(policy, rel, text)
    assert [(f.level, f.file, f.line) for f in found] == [
        ("error", rel, 21),
        ("error", rel, 43),
    ]
    assert found[0].message.startswith(f"{package}.violation is read by no decision")
    assert main(["bundle", "lint", str(policy)]) != 0
    assert f"{rel}:21: error [unread-control] {package}.violation" in capsys.readouterr().out


def test_a_decision_that_lists_its_families_by_hand_misses_the_new_one(tmp_path: Path) -> None:
    """The composition of mlgate 2026.11 (imports and union lists): lint names the gap."""
    listed = """package mlgate

import data.mlgate.controls.fairness

decision := {"outcome": "pass", "violations": [v | some v in fairness.violation]}
"""
    modules = {
        "mlgate/decision.rego": listed,
        "mlgate/controls/fairness.rego": "package mlgate.controls.fairness\n\nviolation := set()\n",
        "mlgate/controls/license.rego": LICENSE,
        "mlgate/controls/license_test.rego": LICENSE_TEST,
    }
    assert [(u.file, u.rule) for u in unread_rules(modules)] == [
        ("mlgate/controls/license.rego", "violation"),
        ("mlgate/controls/license.rego", "missing_evidence"),
    ]


def test_every_rule_of_the_shipped_bundle_is_read() -> None:
    assert unread_rules(load_bundle(bundle_dir()).modules) == []
    data = yaml.safe_load((bundle_dir() / "mlgate/thresholds/data.yaml").read_text())
    assert "license" not in data["medium"]  # the planted thresholds are the test's own
