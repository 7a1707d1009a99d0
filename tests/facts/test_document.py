"""The public entry points over real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mlgate.errors import FactsConflictError, FactsValidationError, InputError
from mlgate.facts.document import Facts, load_facts, merge_files, validate_file
from tests.conftest import REPO

BASE: dict[str, Any] = {
    "apiVersion": "mlgate/v1",
    "kind": "ModelFacts",
    "subject": {"name": "m", "version": "1", "author": "Ülrich"},
}


def write(tmp_path: Path, name: str, doc: dict[str, Any] | str) -> Path:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return path


def test_load_facts_merges_and_normalises(tmp_path: Path) -> None:
    a = write(tmp_path, "a.json", {**BASE, "metrics": [{"name": "AUC", "value": 0.9}]})
    b = write(tmp_path, "b.yaml", "metrics:\n  - {name: roc_auc, value: 0.9, source: {tool: t}}\n")
    facts = load_facts([a, b])
    assert isinstance(facts, Facts)
    assert facts.origins == (str(a), str(b))
    assert facts.document["subject"]["author"] == "ülrich"
    assert facts.document["metrics"] == [  # the same fact: one item, the only source kept
        {"name": "roc_auc", "value": 0.9, "name_as_reported": "AUC", "source": {"tool": "t"}}
    ]
    assert facts.digest.startswith("sha256:")


def test_one_file_problems_are_counted_and_listed(tmp_path: Path) -> None:
    doc = {**BASE, "subject": {"name": "m"}, "metrics": [{"name": "f1", "value": "0.9"}],
           "context": {"evaluated_at": "2026-02-30T00:00:00Z"}}  # fmt: skip
    path = write(tmp_path, "facts.yaml", json.dumps(doc))
    with pytest.raises(FactsValidationError) as info:
        load_facts([path])
    assert info.value.message == f"{path}: 3 problems"
    assert info.value.details == [
        "/context/evaluated_at: '2026-02-30T00:00:00Z' is not a real date"
        " (day is out of range for month)",
        "/metrics/0/value: '0.9' is not a number",
        "/subject/version: is required",
    ]


def test_several_files_name_the_file_in_each_problem(tmp_path: Path) -> None:
    a = write(tmp_path, "a.json", {**BASE, "metrics": [{"name": "f1", "value": 2}]})
    b = write(tmp_path, "b.json", {"approvals": [{"role": "qa"}]})
    with pytest.raises(FactsValidationError) as info:
        load_facts([a, b])
    assert info.value.message == "2 facts documents: 3 problems"
    assert info.value.details == [
        f"{a}: /metrics/0/value: 2 is outside f1's range [0, 1]",
        f"{b}: /approvals/0/decision: is required",
        f"{b}: /approvals/0/principal: is required",
    ]


def test_partial_fragments_must_make_a_complete_document(tmp_path: Path) -> None:
    a = write(tmp_path, "a.json", {"apiVersion": "mlgate/v1", "subject": {"name": "m"}})
    b = write(tmp_path, "b.json", {"kind": "ModelFacts", "metrics": []})
    with pytest.raises(FactsValidationError) as info:
        load_facts([a, b])
    assert info.value.message == "the merged facts: 1 problem"
    assert info.value.details == ["/subject/version: is required"]
    assert merge_files([a, b]) == {
        "apiVersion": "mlgate/v1", "subject": {"name": "m"}, "kind": "ModelFacts", "metrics": []
    }  # fmt: skip


def test_conflicts_between_files_name_both(tmp_path: Path) -> None:
    a = write(tmp_path, "a.json", {**BASE, "metrics": [{"name": "f1", "value": 0.5}]})
    b = write(
        tmp_path, "b.json", {"metrics": [{"name": "F1", "value": 0.6, "source": {"tool": "x"}}]}
    )
    with pytest.raises(
        FactsConflictError, match=rf"/metrics\[f1\]/value: 0.5 from {a} vs 0.6 from {b} \(x\)"
    ):
        load_facts([a, b])
    assert load_facts([a, b], prefer=["x"]).document["metrics"][0]["value"] == 0.6


def test_warnings_are_carried_and_name_the_file_when_several(tmp_path: Path) -> None:
    a = write(tmp_path, "a.json", {**BASE, "custom": {}})
    assert load_facts([a]).warnings == ("unknown top-level section 'custom'",)
    b = write(tmp_path, "b.json", {"other": 1})
    assert load_facts([a, b]).warnings == (
        f"{a}: unknown top-level section 'custom'",
        f"{b}: unknown top-level section 'other'",
    )


def test_load_errors_surface_as_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"none\.json: cannot read"):
        load_facts([tmp_path / "none.json"])
    with pytest.raises(InputError, match="no facts document given"):
        load_facts([])
    with pytest.raises(InputError, match="stdin"):
        load_facts(["-", "-"])


def test_validate_file_reports_instead_of_raising(tmp_path: Path) -> None:
    path = write(tmp_path, "f.json", {**BASE, "kind": "X", "extra": 1})
    report = validate_file(path)
    assert report.lines() == ["/kind: must be 'ModelFacts', not 'X'"]
    assert report.warnings == ["unknown top-level section 'extra'"]
    assert validate_file(write(tmp_path, "g.json", BASE)).ok


def test_validate_file_catches_a_fact_given_twice(tmp_path: Path) -> None:
    doc = {**BASE, "metrics": [{"name": "f1", "value": 0.1}, {"name": "f1_score", "value": 0.2}]}
    with pytest.raises(FactsConflictError, match=r"/metrics\[f1\]/value"):
        validate_file(write(tmp_path, "f.json", doc))


def test_the_facts_layer_imports_neither_yaml_nor_jsonschema() -> None:
    code = (
        "import sys, mlgate.facts.document, mlgate.canonical, mlgate.resources;"
        "print(sorted(m for m in ('yaml', 'jsonschema') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_merge_files_accepts_a_single_partial_fragment(tmp_path: Path) -> None:
    path = write(tmp_path, "part.yaml", "metrics:\n  - {name: AUROC, value: 0.7}\n")
    assert merge_files([path]) == {
        "metrics": [{"name": "roc_auc", "value": 0.7, "name_as_reported": "AUROC"}]
    }
    with pytest.raises(FactsValidationError, match="3 problems"):
        load_facts([path])


def test_the_merge_command_warns_that_a_partial_result_is_not_complete(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from mlgate.cli.main import main

    path = write(tmp_path, "part.yaml", "metrics:\n  - {name: AUROC, value: 0.7}\n")
    assert main(["facts", "merge", str(path)]) == 0  # merges are built up in steps
    err = capsys.readouterr().err
    assert err.startswith("mlgate: warning: the merged document is not complete yet: ")
    assert "(and 2 more)" in err
    whole = REPO / "examples/credit-risk/passing.yaml"
    assert main(["facts", "merge", str(whole)]) == 0
    assert capsys.readouterr().err == ""


def test_a_degradation_is_derived_when_value_and_baseline_come_from_two_files(
    tmp_path: Path,
) -> None:
    head = "apiVersion: mlgate/v1\nkind: ModelFacts\n"
    a = write(
        tmp_path, "a.yaml", head + "robustness:\n  - {test: noise, metric: roc_auc, value: 0.5}\n"
    )
    b = write(
        tmp_path,
        "b.yaml",
        head + "robustness:\n  - {test: noise, metric: roc_auc, baseline: 0.9, passed: true}\n",
    )
    merged = merge_files([a, b])
    assert merged["robustness"][0]["degradation"] == 0.4  # so `passed: true` cannot stand
