"""Typos in facts warn: unknown fields inside known objects and unknown metric names,
with the closest known name; they never make a document invalid (issue 19)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from mlgate.cli.main import main
from mlgate.facts.adapters.base import AdapterOptions, get_adapter
from mlgate.facts.load import load_document
from mlgate.facts.metrics import closest
from mlgate.facts.validate import validate
from tests.conftest import REPO
from tests.facts.adapters.conftest import FIXTURES, NOW

PASSING = REPO / "examples/credit-risk/passing.yaml"


def _passing() -> dict[str, Any]:
    return load_document(PASSING)


def test_a_misspelled_field_in_a_fairness_entry_warns_with_the_right_name() -> None:
    doc = _passing()
    doc["fairness"][0]["ratoi"] = doc["fairness"][0].pop("ratio")
    report = validate(doc)
    assert report.ok
    assert report.warnings == ["/fairness/0/ratoi: unknown field (did you mean 'ratio'?)"]


def test_a_misspelled_metric_warns_with_the_closest_registry_name() -> None:
    doc = _passing()
    doc["metrics"].append({"name": "acuracy", "value": 0.9})
    doc["change"]["baseline_metrics"].append({"name": "precison", "value": 0.7})
    report = validate(doc)
    assert report.ok
    at = len(doc["metrics"]) - 1
    base = len(doc["change"]["baseline_metrics"]) - 1
    assert report.warnings == [
        f"/metrics/{at}/name: unknown metric 'acuracy' (did you mean 'accuracy'?)",
        f"/change/baseline_metrics/{base}/name: unknown metric 'precison' "
        "(did you mean 'precision'?)",
    ]


def test_an_unknown_field_warns_without_a_close_name_a_teams_own_metric_does_not() -> None:
    doc = _passing()
    doc["metrics"].append({"name": "custom_gain", "value": 12.5})
    doc["documentation"]["model_card"]["reviewer"] = "kim"
    doc["fairnes"] = []
    assert validate(doc).warnings == [
        "unknown top-level section 'fairnes' (did you mean 'fairness'?)",
        "/documentation/model_card/reviewer: unknown field",
    ]


def test_maps_keyed_by_the_data_are_not_checked() -> None:
    doc = _passing()
    doc["fairness"][0]["by_group"]["anything_at_all"] = 0.9
    doc["metrics"][0]["slice"] = {"regoin": "eu"}
    assert validate(doc).warnings == []


def test_every_spelling_of_a_registry_metric_is_known() -> None:
    doc = copy.deepcopy(_passing())
    doc["metrics"] = [{"name": n, "value": 0.5} for n in ("AUC", "ROC\u00a0AUC", "f1-score")]
    assert validate(doc).warnings == []
    assert closest("acuracy") == "accuracy" and closest("training_loss") is None


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        ("huggingface", "hf-README.md"),
        ("openlineage", "openlineage.jsonl"),
        ("evidently", "evidently-testsuite-legacy.json"),
        ("evidently", "evidently-snapshot-0.7.json"),
        ("declarations", "declarations.yaml"),
        ("fairlearn", "fairlearn-export.json"),
        ("osv", "osv-scanner.json"),
        ("pip-audit", "pip-audit.json"),
        ("cyclonedx", "mlbom-1.6.json"),
    ],
)
def test_what_mlgates_own_adapters_write_is_known(kind: str, name: str) -> None:
    fragment = get_adapter(kind, AdapterOptions(now=NOW, environ={})).collect(str(FIXTURES / name))
    assert validate(fragment.document, partial=True).warnings == []


def test_what_the_ci_adapter_writes_is_known() -> None:
    environ = {"GITHUB_ACTIONS": "true", "GITHUB_SHA": "5e3a9c1f", "GITHUB_RUN_ID": "1"}
    fragment = get_adapter("ci", AdapterOptions(now=NOW, environ=environ)).collect("")
    assert fragment.document["context"]["source"]["provider"] == "github"
    assert validate(fragment.document, partial=True).warnings == []


def test_facts_validate_and_check_print_the_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _passing()
    doc["fairness"][0]["ratoi"] = doc["fairness"][0]["ratio"]
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["facts", "validate", str(path)]) == 0
    err = capsys.readouterr().err
    typo = "/fairness/0/ratoi: unknown field (did you mean 'ratio'?)"
    assert f"mlgate: warning: {path}: {typo}" in err
    assert main(["check", "-f", str(path), "-e", "embedded", "--no-log"]) == 0
    assert f"  ! warning: {typo}" in capsys.readouterr().out
