"""``bundle lint``: each check finds its problem, at its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlgate.authoring.findings import Finding
from mlgate.authoring.lint import lint
from mlgate.bundles.load import load_bundle
from mlgate.bundles.source import load
from mlgate.resources import bundle_dir

RULE = """package mlgate.controls.extra

# METADATA
# title: Extra check
# description: An extra check.
# custom:
#   control_id: MLG-EXT-001
#   severity: {severity}
#   requires: [/metrics]
#   thresholds: [extra.maximum]
violation contains v if {{
\t{body}
\tv := {{"control": "{reported}"}}
}}
"""


def _codes(findings: list[Finding]) -> set[str]:
    return {f.code for f in findings}


def _with(policy: Path, name: str, text: str) -> list[Finding]:
    (policy / "mlgate" / "controls" / name).write_text(text)
    return lint(load_bundle(policy))


def _copy(tmp_path: Path) -> Path:
    import shutil

    target = tmp_path / "policy"
    shutil.copytree(bundle_dir(), target)
    return target


def test_the_shipped_bundle_is_clean() -> None:
    assert lint(load_bundle(bundle_dir())) == []


def test_a_good_extra_rule_only_lacks_its_thresholds(tmp_path: Path) -> None:
    rule = RULE.format(severity="high", body="true", reported="MLG-EXT-001")
    findings = _with(_copy(tmp_path), "extra.rego", rule)
    assert _codes(findings) == {"threshold-missing"}
    assert {f.message for f in findings} >= {
        "MLG-EXT-001: thresholds[high].extra.maximum is not defined"
    }
    assert all(f.file == "mlgate/controls/extra.rego" and f.line == 11 for f in findings)


def test_bad_severity_unreported_control_and_wall_clock(tmp_path: Path) -> None:
    rule = RULE.format(severity="severe", body="time.now_ns() > 0", reported="MLG-OTHER")
    findings = _with(_copy(tmp_path), "extra.rego", rule)
    assert {"severity", "control-id-unused", "wall-clock"} <= _codes(findings)
    clock = next(f for f in findings if f.code == "wall-clock")
    assert (clock.file, clock.line, clock.level) == ("mlgate/controls/extra.rego", 12, "error")


def test_a_denying_rule_without_metadata(tmp_path: Path) -> None:
    findings = _with(
        _copy(tmp_path),
        "extra.rego",
        "package mlgate.controls.extra\n\nmissing_evidence contains m if {\n\tm := {}\n}\n",
    )
    assert [(f.code, f.line) for f in findings] == [("metadata-missing", 3)]


def test_syntax_errors_are_reported_for_every_module(tmp_path: Path) -> None:
    policy = _copy(tmp_path)
    (policy / "mlgate" / "controls" / "a.rego").write_text(
        "package mlgate.controls.a\n\nx := := 1\n"
    )
    findings = _with(policy, "b.rego", "package mlgate.controls.b\n\ny if {\n")
    syntax = [f for f in findings if f.code == "syntax"]
    assert {f.file for f in syntax} == {"mlgate/controls/a.rego", "mlgate/controls/b.rego"}
    assert all(f.line > 0 for f in syntax)


def test_unsupported_builtins_and_a_missing_entry_point(tmp_path: Path) -> None:
    policy = _copy(tmp_path)
    (policy / "mlgate" / "decision.rego").unlink()
    (policy / "mlgate" / "decision_test.rego").unlink()
    findings = _with(
        policy,
        "hashing.rego",
        'package mlgate.controls.hashing\n\ndigest := crypto.sha256("x")\n',
    )
    codes = _codes(findings)
    assert "entry-point" in codes and "unsupported-builtin" in codes
    builtin = next(f for f in findings if f.code == "unsupported-builtin")
    assert builtin.file.endswith("hashing.rego") and builtin.line == 3


@pytest.mark.parametrize(
    ("rel", "text", "reported"),
    [
        ("mlgate/waivers/data.yaml", "# waivers\n- control: X\n", True),  # the old shipped file
        ("mlgate/waivers/data.yaml", "- 1\n", True),
        ("mlgate/waivers/data.yaml", '["as", "json"]\n', False),  # JSON text: OPA reads it
        ("mlgate/waivers/data.yaml", "# a mapping\nwaivers: []\n", False),
    ],
)
def test_data_opa_cannot_activate_from_its_bundle_service_is_reported(
    tmp_path: Path, rel: str, text: str, reported: bool
) -> None:
    """Seen on a real OPA polling `bundle serve` (tests/bundles/test_real_opa.py)."""
    root = _copy(tmp_path)
    (root / "mlgate" / "data.yaml").unlink()  # the shipped waivers: not under test here
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text(text)
    bundle, read = load(root)
    found = [f for f in lint(bundle, read.files) if f.code == "opa-download"]
    assert [(f.level, f.file) for f in found] == ([("warning", rel)] if reported else [])


def test_the_shipped_bundle_has_no_data_opa_cannot_activate() -> None:
    bundle, read = load(bundle_dir())
    assert [f for f in lint(bundle, read.files) if f.code == "opa-download"] == []
