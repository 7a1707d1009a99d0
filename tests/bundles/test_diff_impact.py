"""``bundle diff``: static changes, and the models whose verdict a change moves."""

from __future__ import annotations

import io
import json
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from mlgate.authoring.diff import changes
from mlgate.authoring.impact import analyse
from mlgate.authoring.impact_sources import facts_dir_items
from mlgate.bundles.load import load_bundle
from mlgate.cli.main import main
from mlgate.resources import bundle_dir
from tests.bundles.bundle_fixtures import CASES_DIR, golden_cases, policy_dir, write_facts_dir

__all__ = ["policy_dir"]


def _stricter(policy_dir: Path) -> Path:
    """Raise the low- and medium-tier AUC minimums to 0.95 and add a waiver."""
    thresholds = policy_dir / "mlgate" / "thresholds" / "data.yaml"
    text = thresholds.read_text()
    text = text.replace("roc_auc: 0.70", "roc_auc: 0.95").replace("roc_auc: 0.75", "roc_auc: 0.95")
    thresholds.write_text(text)
    waivers = policy_dir / "mlgate" / "data.yaml"  # the waivers, under its `waivers` key
    waivers.write_text(
        waivers.read_text()
        + "  - control: MLG-DOC-002\n    model: m\n    reason: r\n    ticket: T-1\n"
        + "    approver: a\n    expires_at: '2030-01-01T00:00:00Z'\n"
    )
    return policy_dir


def test_static_changes_name_thresholds_waivers_and_modules(policy_dir: Path) -> None:
    new = _stricter(policy_dir)
    (new / "mlgate" / "controls" / "privacy.rego").write_text(
        (new / "mlgate" / "controls" / "privacy.rego").read_text() + "\n# reviewed\n"
    )
    found = changes(load_bundle(bundle_dir()), load_bundle(new))
    assert "thresholds.low.performance.minimum.roc_auc: 0.7 → 0.95" in found.thresholds
    assert any(w.startswith("added waiver MLG-DOC-002 for m") for w in found.waivers)
    assert found.modules == [
        "changed mlgate/controls/privacy.rego (MLG-PRIV-001, MLG-PRIV-002, MLG-PRIV-003)"
    ]
    assert changes(load_bundle(bundle_dir()), load_bundle(bundle_dir())).empty


@pytest.mark.parametrize("jobs", [1, 2])
def test_impact_lists_every_model_whose_verdict_changes(
    policy_dir: Path, tmp_path: Path, jobs: int
) -> None:
    facts = write_facts_dir(tmp_path / "facts")
    (facts / "broken.yaml").write_text("apiVersion: [unclosed\n")
    # a change on invalid facts is no change: mlgate check refuses them under both bundles
    moot = yaml.safe_load((facts / "low_tier_minimal_evidence_passes.yaml").read_text())
    moot["apiVersion"] = "mlgate/v0"
    (facts / "moot.yaml").write_text(yaml.safe_dump(moot))
    # invalid facts whose verdict does not change are not validated at all
    (facts / "unchanged.yaml").write_text("apiVersion: mlgate/v1\nkind: ModelFacts\n")
    old, new = load_bundle(bundle_dir()), load_bundle(_stricter(policy_dir))
    report = analyse(old, new, facts_dir_items(facts), jobs=jobs)
    assert report.evaluated == len(golden_cases()) + 1
    invalid = dict(report.invalid)
    assert sorted(invalid) == ["broken.yaml", "moot.yaml"]
    assert "/apiVersion" in invalid["moot.yaml"]
    by_label = {i.label: i for i in report.changed}
    moved = by_label["low_tier_minimal_evidence_passes.yaml"]
    assert moved.old.outcome == "pass" and moved.new.outcome == "fail"
    assert moved.changes() == ["outcome pass → fail", "violations +MLG-PERF-001"]
    for item in report.changed:  # only the AUC minimum moved
        assert set(item.new.violations) - set(item.old.violations) == {"MLG-PERF-001"}
    assert "high_tier_complete_with_all_approvals_passes.yaml" not in by_label


def test_identical_bundles_have_no_impact(tmp_path: Path) -> None:
    facts = write_facts_dir(tmp_path / "facts")
    bundle = load_bundle(bundle_dir())
    report = analyse(bundle, bundle, facts_dir_items(facts))
    assert report.changed == [] and report.invalid == []
    assert report.identical and report.evaluated == 0  # nothing evaluated, and it says so


def test_cli_diff_refuses_what_would_read_as_an_approval(
    policy_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(policy_dir, broken)
    (broken / "mlgate" / "controls" / "extra.rego").write_text("package mlgate.controls.x\nx := \n")
    # A NEW bundle that does not parse: exit 2 with file:line, facts or not.
    assert main(["bundle", "diff", str(bundle_dir()), str(broken)]) == 2
    assert "extra.rego:" in capsys.readouterr().err
    # No facts document that can be evaluated: no impact analysis to speak of.
    facts = tmp_path / "facts"
    facts.mkdir()
    (facts / "bad.yaml").write_text("apiVersion: [unclosed\n")
    new = str(_stricter(policy_dir))
    assert main(["bundle", "diff", str(bundle_dir()), new, "--facts-dir", str(facts)]) == 2
    assert "no facts document could be evaluated (1 invalid; bad.yaml:" in capsys.readouterr().err
    assert main(["bundle", "diff", str(bundle_dir()), new, "--decisions", ""]) == 2
    # The same bundle twice: said in so many words, and no failure.
    same = ["bundle", "diff", str(bundle_dir()), str(bundle_dir()), "--facts-dir", str(facts)]
    assert main(same) == 0
    assert "the two bundles are the same files" in capsys.readouterr().out


def test_cli_diff_with_facts_dir(
    policy_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    facts = write_facts_dir(tmp_path / "facts")
    new = str(_stricter(policy_dir))
    code = main(["bundle", "diff", str(bundle_dir()), new, "--facts-dir", str(facts)])
    out = capsys.readouterr().out
    assert code == 0
    assert "Thresholds:" in out and "Waivers:" in out
    assert (
        "demand-forecast@3.2.0 (low_tier_minimal_evidence_passes.yaml): outcome pass → fail" in out
    )
    code = main(
        ["bundle", "diff", str(bundle_dir()), new, "--facts-dir", str(facts), "--fail-on-impact",
         "--format", "json"]
    )  # fmt: skip
    doc = json.loads(capsys.readouterr().out)
    assert code == 1 and doc["impact"]["changed"] and doc["impact"]["evaluated"] > 0


def test_cli_diff_with_the_decision_log(
    policy_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "log.db"
    chosen = ["low_tier_minimal_evidence_passes", "high_tier_complete_with_all_approvals_passes"]
    for name in chosen:
        facts = yaml.safe_load((CASES_DIR / f"{name}.yaml").read_text())["facts"]
        path = tmp_path / f"{name}.yaml"
        path.write_text(yaml.safe_dump(facts))
        main(["check", "--facts", str(path), "--bundle", str(bundle_dir()), "--log", str(log)])
    capsys.readouterr()
    new = str(_stricter(policy_dir))
    code = main(
        ["bundle", "diff", str(bundle_dir()), new, "--decisions", str(log), "--format", "json"]
    )
    impact = json.loads(capsys.readouterr().out)["impact"]
    assert code == 0
    assert impact["evaluated"] == 2 and impact["reused_old_verdicts"] == 2
    assert [c["model"] for c in impact["changed"]] == ["demand-forecast@3.2.0"]


def test_cli_diff_refuses_both_sources(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code = main(
        ["bundle", "diff", "rego", "rego", "--facts-dir", str(tmp_path), "--decisions", "x.db"]
    )
    assert code == 2 and "not both" in capsys.readouterr().err


@pytest.mark.parametrize("jobs", [1, 2])
def test_impact_reports_progress_chunk_by_chunk(
    policy_dir: Path, tmp_path: Path, jobs: int
) -> None:
    facts = write_facts_dir(tmp_path / "facts")
    items = facts_dir_items(facts)
    seen: list[int] = []
    analyse(load_bundle(bundle_dir()), load_bundle(_stricter(policy_dir)), items, jobs=jobs,
            progress=seen.append)  # fmt: skip
    assert seen == sorted(seen) and seen[-1] == len(items) and len(seen) >= 2


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("terminal", [True, False])
def test_cli_diff_shows_progress_on_a_terminal_only(
    policy_dir: Path,
    tmp_path: Path,
    terminal: bool,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Issue 19: 3,000 facts files were 47 s of silence."""
    facts = write_facts_dir(tmp_path / "facts")
    total = len(facts_dir_items(facts))
    stderr = _Tty() if terminal else io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    new = _stricter(policy_dir)
    args = ["bundle", "diff", str(bundle_dir()), str(new), "--facts-dir", str(facts), "-j", "1"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "low_tier_minimal_evidence_passes.yaml" in out  # the report itself, on stdout
    if terminal:
        assert f"\r{total}/{total} [" in stderr.getvalue()
    else:
        assert stderr.getvalue() == ""
