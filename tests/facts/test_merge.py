"""Merging fragments from several tools: identity keys, conflicts, preference."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from mlgate.errors import FactsConflictError
from mlgate.facts.merge import merge, merge_each

REPO = Path(__file__).resolve().parents[2]

MLFLOW: dict[str, Any] = {
    "subject": {"name": "m", "version": "1"},
    "metrics": [
        {"name": "roc_auc", "dataset": "test", "value": 0.91, "source": {"tool": "mlflow"}},
        {"name": "f1", "dataset": "test", "value": 0.8, "source": {"tool": "mlflow"}},
    ],
}
FAIRLEARN: dict[str, Any] = {
    "subject": {"risk_tier": "high"},
    "metrics": [
        {"name": "roc_auc", "dataset": "test", "value": 0.91, "source": {"tool": "fairlearn"}},
        {"name": "roc_auc", "dataset": "test", "slice": {"sex": "F"}, "value": 0.88},
    ],
    "fairness": [{"metric": "dp_ratio", "sensitive_feature": "sex", "ratio": 0.9}],
}


def test_fragments_merge_recursively_and_by_identity() -> None:
    merged = merge([("a.json", MLFLOW), ("b.yaml", FAIRLEARN)])
    assert merged["subject"] == {"name": "m", "version": "1", "risk_tier": "high"}
    assert merged["metrics"] == [
        {"name": "roc_auc", "dataset": "test", "value": 0.91, "source": {"tool": "mlflow"}},
        {"name": "f1", "dataset": "test", "value": 0.8, "source": {"tool": "mlflow"}},
        {"name": "roc_auc", "dataset": "test", "slice": {"sex": "F"}, "value": 0.88},
    ]
    assert merged["fairness"] == FAIRLEARN["fairness"]


def test_items_with_the_same_identity_complete_each_other() -> None:
    one = {
        "security": {"vulnerabilities": [{"id": "CVE-1", "package": "numpy", "severity": "high"}]}
    }
    two = {
        "security": {
            "vulnerabilities": [
                {"id": "CVE-1", "package": "numpy", "version": "1.0"},
                {"id": "CVE-1", "package": "scipy", "severity": "low"},
            ]
        }
    }
    vulns = merge([("a", one), ("b", two)])["security"]["vulnerabilities"]
    assert vulns == [
        {"id": "CVE-1", "package": "numpy", "severity": "high", "version": "1.0"},
        {"id": "CVE-1", "package": "scipy", "severity": "low"},
    ]


def test_equal_values_keep_the_first_source() -> None:
    merged = merge([("a.json", MLFLOW), ("b.yaml", FAIRLEARN)])
    assert merged["metrics"][0]["source"] == {"tool": "mlflow"}


def test_equal_means_json_equal() -> None:
    assert merge([("a", {"x": 1}), ("b", {"x": 1.0})]) == {"x": 1}
    with pytest.raises(FactsConflictError, match="at /x: true from a vs 1 from b"):
        merge([("a", {"x": True}), ("b", {"x": 1})])


def test_a_conflict_names_the_fact_and_both_sources() -> None:
    other = copy.deepcopy(FAIRLEARN)
    other["metrics"][0]["value"] = 0.89
    with pytest.raises(FactsConflictError) as info:
        merge([("a.json", MLFLOW), ("b.yaml", other)])
    assert info.value.message == (
        "conflict at /metrics[roc_auc, test]/value:"
        " 0.91 from a.json (mlflow) vs 0.89 from b.yaml (fairlearn)"
    )


@pytest.mark.parametrize(
    ("one", "two", "where"),
    [
        ({"approvals": [{"role": "qa", "principal": "ann", "decision": "approve"}]},
         {"approvals": [{"role": "qa", "principal": "ann", "decision": "reject"}]},
         "/approvals[qa, ann]/decision: 'approve' from a vs 'reject' from b"),
        ({"subject": {"version": "1"}}, {"subject": {"version": "2"}},
         "/subject/version: '1' from a vs '2' from b"),
        ({"metrics": [{"name": "f1", "slice": {"sex": "F", "age": 3}, "value": 0.1}]},
         {"metrics": [{"name": "f1", "slice": {"age": 3, "sex": "F"}, "value": 0.2}]},
         "/metrics[f1, {age=3, sex=F}]/value: 0.1 from a vs 0.2 from b"),
        ({"documentation": {"model_card": {"sections": ["a"]}}},
         {"documentation": {"model_card": {"sections": ["a", "b"]}}},
         "/documentation/model_card/sections: [\"a\"] from a vs [\"a\",\"b\"] from b"),
        ({"lineage": {"datasets": [{"name": "d", "role": "train"}]}}, {"lineage": "none"},
         "/lineage: {\"datasets\":[{\"name\":\"d\",\"role\":\"train\"}]} from a vs 'none' from b"),
    ],
)  # fmt: skip
def test_conflicts_anywhere(one: dict[str, Any], two: dict[str, Any], where: str) -> None:
    with pytest.raises(FactsConflictError) as info:
        merge([("a", one), ("b", two)])
    assert info.value.message == f"conflict at {where}"


def test_a_fact_given_twice_in_one_file_with_two_values_conflicts() -> None:
    doc = {"metrics": [{"name": "f1", "value": 0.1}, {"name": "f1", "value": 0.2}]}
    with pytest.raises(FactsConflictError, match=r"/metrics\[f1\]/value: 0.1 from a vs 0.2 from a"):
        merge([("a", doc)])


def test_source_objects_never_conflict() -> None:
    one = {"subject": {"name": "m", "source": {"tool": "x", "run_id": "1"}}}
    two = {"subject": {"name": "m", "source": {"tool": "y", "run_id": "2"}}}
    assert merge([("a", one), ("b", two)]) == one


@pytest.mark.parametrize(
    ("prefer", "winner"),
    [(["fairlearn"], 0.89), (["b.yaml"], 0.89), (["a.json"], 0.91), (["mlflow", "fairlearn"], 0.91),
     (["fairlearn", "mlflow"], 0.89)],
)  # fmt: skip
def test_prefer_picks_the_winner(prefer: list[str], winner: float) -> None:
    other = copy.deepcopy(FAIRLEARN)
    other["metrics"][0]["value"] = 0.89
    merged = merge([("/x/a.json", MLFLOW), ("b.yaml", other)], prefer=prefer)
    assert merged["metrics"][0]["value"] == winner


def test_prefer_naming_neither_source_still_conflicts() -> None:
    with pytest.raises(FactsConflictError):
        merge([("a", {"x": 1}), ("b", {"x": 2})], prefer=["c"])


def test_inputs_are_not_modified() -> None:
    one, two = copy.deepcopy(MLFLOW), copy.deepcopy(FAIRLEARN)
    merged = merge([("a", one), ("b", two)])
    merged["metrics"][0]["value"] = 0
    merged["subject"]["name"] = "changed"
    assert one == MLFLOW and two == FAIRLEARN


def _single_documents() -> list[Any]:
    docs = [pytest.param(MLFLOW, id="mlflow"), pytest.param(FAIRLEARN, id="fairlearn")]
    for path in sorted((REPO / "tests/cases").glob("*.yaml")):
        facts = yaml.safe_load(path.read_text(encoding="utf-8")).get("facts")
        if isinstance(facts, dict):
            docs.append(pytest.param(facts, id=path.stem))
    return docs


@pytest.mark.parametrize("doc", _single_documents())
def test_one_document_merges_as_the_general_merge_does(doc: dict[str, Any]) -> None:
    kept = copy.deepcopy(doc)
    try:
        general = merge_each([("a", doc)])
    except FactsConflictError as conflict:  # a case that names a fact twice, two ways
        with pytest.raises(FactsConflictError, match=re.escape(conflict.message)):
            merge([("a", doc)])
        return
    quick = merge([("a", doc)])
    assert json.dumps(quick) == json.dumps(general)  # same keys, same order
    assert doc == kept
    quick["subject"] = "changed"  # a copy, not the input itself
    assert doc == kept


@pytest.mark.parametrize(
    "doc",
    [
        {"metrics": [{"name": "f1", "value": 0.1}, {"name": "f1", "value": 0.1, "split": None}]},
        {
            "security": {
                "vulnerabilities": [
                    {"id": "X", "package": "p"},
                    {"id": "X", "package": "p", "fix": "1"},
                ]
            }
        },
        {"lineage": {"datasets": ["same", "same"]}},
    ],
    ids=["metric twice", "vulnerability completed", "plain item twice"],
)
def test_one_document_naming_a_fact_twice_is_merged_item_by_item(doc: dict[str, Any]) -> None:
    merged = merge([("a", doc)])
    assert merged == merge_each([("a", doc)])
    assert merged != doc  # the two items became one
