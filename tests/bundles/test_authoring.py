"""The policy author's loop (issue 19): ``mlgate eval``, ``bundle test --run`` and
``bundle test --update`` on real bundles, facts and golden cases."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from mlgate.authoring.case_update import new_expect
from mlgate.cli.main import main
from mlgate.resources import bundle_dir
from tests.conftest import REPO
from tests.real_opa import requires_opa

FAILING = str(REPO / "examples/credit-risk/failing.yaml")
CASES = REPO / "tests/cases"


def _eval(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["eval", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_eval_prints_a_package_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _eval(capsys, "-f", FAILING, "data.mlgate.controls.fairness.violation")
    assert code == 0
    found = json.loads(out)
    assert {v["control"] for v in found} == {"MLG-FAIR-001"}
    code, out, _ = _eval(capsys, "-f", FAILING, "data.mlgate.decision")
    assert json.loads(out)["outcome"] == "fail"


def test_eval_without_facts_has_an_empty_input(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _eval(capsys, "data.mlgate.thresholds.low.performance.minimum")
    assert (code, json.loads(out)) == (0, {"roc_auc": 0.7})


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["data.mlgate.controls.nothing"], "data.mlgate.controls.nothing is undefined"),
        (["data.mlgate[0]"], "query 'data.mlgate[0]': give a data reference"),
        (["-f", "missing.yaml", "data.mlgate.decision"], "missing.yaml"),
    ],
)
def test_eval_refuses_with_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = _eval(capsys, *args)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err


@requires_opa
@pytest.mark.opa
def test_eval_answers_as_a_real_opa_does(capsys: pytest.CaptureFixture[str]) -> None:
    query = "data.mlgate.controls.performance.violation"
    answers = [_eval(capsys, "-e", e, "-f", FAILING, query)[1] for e in ("embedded", "opa-binary")]
    assert json.loads(answers[0]) == json.loads(answers[1]) != []


def test_run_selects_rego_tests_and_cases_by_pattern(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["bundle", "test", str(bundle_dir()), "--cases", str(CASES), "--format", "json"]
    assert main([*args, "--run", "fairness"]) == 0
    results = json.loads(capsys.readouterr().out)["results"]
    assert results and all("fairness" in r["name"] for r in results)
    assert {r["kind"] for r in results} == {"rego", "case"}
    assert main([*args, "--run", "no_such_test_anywhere"]) == 1  # nothing ran: not a pass
    assert main([*args, "--run", "("]) == 2


@pytest.fixture
def changed(tmp_path: Path) -> tuple[Path, Path]:
    """The shipped bundle with every tier's AUC minimum raised to 0.87, and a copy of
    the golden cases (one also as JSON)."""
    policy = tmp_path / "policy"
    shutil.copytree(bundle_dir(), policy)
    thresholds = policy / "mlgate/thresholds/data.yaml"
    text = thresholds.read_text(encoding="utf-8")
    for old in ("roc_auc: 0.70", "roc_auc: 0.75", "roc_auc: 0.80"):
        text = text.replace(old, "roc_auc: 0.87")
    thresholds.write_text(text, encoding="utf-8")
    cases = tmp_path / "cases"
    shutil.copytree(CASES, cases)
    low = cases / "low_tier_minimal_evidence_passes.yaml"
    as_json = yaml.safe_load(low.read_text(encoding="utf-8"))
    as_json["name"] = "low_tier_as_json"
    (cases / "low_tier_as_json.json").write_text(json.dumps(as_json, indent=2), encoding="utf-8")
    return policy, cases


def test_update_rewrites_the_failing_cases_and_shows_the_diff(
    changed: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    policy, cases = changed
    args = ["bundle", "test", str(policy), "--cases", str(cases)]
    low = cases / "low_tier_minimal_evidence_passes.yaml"
    untouched = cases / "governance_empty_facts_never_pass.yaml"
    before, other = low.read_text(encoding="utf-8"), untouched.read_text(encoding="utf-8")
    assert main(args) == 1
    capsys.readouterr()
    assert main([*args, "--update"]) == 0
    out = capsys.readouterr().out
    assert f"--- {low} (before)" in out
    assert (
        "-  outcome: pass\n-  violations: []\n+  outcome: fail\n+  violations:\n+  - MLG-PERF-001"
        in (out)
    )
    assert re.search(r"^updated \d+ case file\(s\)$", out, re.M)
    after = low.read_text(encoding="utf-8")
    assert after.split("expect:")[0] == before.split("expect:")[0]  # facts and layout kept
    assert yaml.safe_load(after)["expect"]["violations"] == ["MLG-PERF-001"]
    assert json.loads((cases / "low_tier_as_json.json").read_text())["expect"]["outcome"] == "fail"
    assert untouched.read_text(encoding="utf-8") == other  # it passed: not rewritten
    assert main(args) == 0  # the cases now say what the bundle decides


def test_update_leaves_a_case_that_could_not_be_decided_failing(
    changed: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    policy, cases = changed
    broken = cases / "low_tier_minimal_evidence_passes.yaml"
    text = broken.read_text(encoding="utf-8").replace("kind: ModelFacts", "kind: Model")
    broken.write_text(text, encoding="utf-8")
    args = ["bundle", "test", str(policy), "--cases", str(cases), "--update", "--run", "low_tier"]
    assert main(args) == 1
    assert "FAIL case low_tier_minimal_evidence_passes: facts invalid" in capsys.readouterr().out
    assert broken.read_text(encoding="utf-8") == text
    assert main(["bundle", "test", str(policy), "--update"]) == 2  # no cases to update


def test_a_new_finding_is_written_down_even_where_the_case_did_not_check() -> None:
    got = {"outcome": "fail", "violations": ["MLG-PERF-001"], "missing_evidence": []}
    assert new_expect({"outcome": "pass"}, got) == {
        "outcome": "fail",
        "violations": ["MLG-PERF-001"],
    }
