"""Validation lists every problem as ``/pointer: reason``, sorted."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from mlgate.facts.validate import Problem, validate

GOOD: dict[str, Any] = {
    "apiVersion": "mlgate/v1",
    "kind": "ModelFacts",
    "subject": {"name": "credit-risk", "version": "1.4.0", "risk_tier": "high"},
    "metrics": [
        {"name": "roc_auc", "value": 0.91, "dataset": "holdout", "source": {"tool": "mlflow"}},
        {"name": "accuracy", "value": None},
    ],
    "approvals": [
        {"role": "risk_officer", "principal": "dana", "decision": "approve",
         "at": "2026-05-01T12:00:00Z"},
    ],
    "context": {"evaluated_at": "2026-05-02T00:00:00.123+02:00"},
}  # fmt: skip


def lines(doc: Any, **kwargs: bool) -> list[str]:
    return validate(doc, **kwargs).lines()


def test_a_good_document_has_no_problem() -> None:
    report = validate(GOOD)
    assert report.ok and report.errors == [] and report.warnings == []


def test_every_problem_is_listed_with_its_pointer() -> None:
    doc = copy.deepcopy(GOOD)
    doc["kind"] = "Model"
    del doc["subject"]["version"]
    doc["subject"]["risk_tier"] = "extreme"
    doc["metrics"][0]["value"] = "0.9"
    doc["metrics"][1]["name"] = ""
    doc["approvals"][0]["decision"] = "ok"
    doc["approvals"][0]["at"] = "2026-05-01 12:00"
    doc["context"]["source"] = {"tool": "ci", "sha256": "ABC"}
    assert lines(doc) == [
        "/approvals/0/at: '2026-05-01 12:00' is not an RFC 3339 timestamp"
        " like 2026-05-01T12:00:00Z",
        "/approvals/0/decision: 'ok' is not one of 'approve', 'reject'",
        "/context/source/sha256: 'ABC' is not a sha256 digest (64 lowercase hex digits)",
        "/kind: must be 'ModelFacts', not 'Model'",
        "/metrics/0/value: '0.9' is not a number",
        "/metrics/1/name: must not be empty",
        "/subject/risk_tier: 'extreme' is not one of 'low', 'medium', 'high'",
        "/subject/version: is required",
    ]


def test_missing_top_level_fields_name_their_pointer() -> None:
    assert lines({}) == ["/apiVersion: is required", "/kind: is required", "/subject: is required"]


def test_array_indices_sort_numerically() -> None:
    doc = copy.deepcopy(GOOD)
    doc["metrics"] = [{"name": f"m{i}", "value": 0.5} for i in range(12)]
    doc["metrics"][2]["value"] = "x"
    doc["metrics"][10]["value"] = "y"
    assert lines(doc) == [
        "/metrics/2/value: 'x' is not a number",
        "/metrics/10/value: 'y' is not a number",
    ]


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("roc_auc", 1.7, "1.7 is outside roc_auc's range [0, 1]"),
        ("AUC", -0.1, "-0.1 is outside roc_auc's range [0, 1]"),
        ("mae", -2, "-2 is below mae's minimum 0"),
        ("r2", 1.5, "1.5 is above r2's maximum 1"),
    ],
)
def test_metric_values_outside_the_registry_range(name: str, value: float, reason: str) -> None:
    doc = copy.deepcopy(GOOD)
    doc["metrics"] += [{"name": "x", "value": 1}, {"name": name, "value": value}]
    assert lines(doc) == [f"/metrics/3/value: {reason}"]


def test_range_applies_to_baselines_and_robustness_but_not_unknown_metrics() -> None:
    doc = copy.deepcopy(GOOD)
    doc["metrics"].append({"name": "my_score", "value": 42})
    doc["change"] = {"baseline_metrics": [{"name": "auroc", "value": 2}]}
    doc["robustness"] = [{"test": "noise", "metric": "accuracy", "value": 0.8, "baseline": 1.2}]
    assert lines(doc) == [
        "/change/baseline_metrics/0/value: 2 is outside roc_auc's range [0, 1]",
        "/robustness/0/baseline: 1.2 is outside accuracy's range [0, 1]",
    ]


def test_nan_and_infinity_are_refused_anywhere() -> None:
    doc = copy.deepcopy(GOOD)
    doc["metrics"][0]["value"] = float("nan")
    doc["fairness"] = [{"metric": "dp", "sensitive_feature": "sex", "ratio": float("inf")}]
    doc["extra"] = {"x": float("-inf")}
    assert lines(doc) == [
        "/extra/x: -Infinity is not a finite number",
        "/fairness/0/ratio: Infinity is not a finite number",
        "/metrics/0/value: NaN is not a finite number",
    ]


@pytest.mark.parametrize(
    ("stamp", "reason"),
    [
        ("2026-02-30T00:00:00Z", "is not a real date (day is out of range for month)"),
        ("2026-13-01T00:00:00Z", "is not a real date (month must be in 1..12)"),
        ("2026-01-01T24:00:00Z", "is not a real date (hour must be in 0..23)"),
        ("2026-01-01T00:00:00+25:00", "is not a real date (offset out of range)"),
        ("2026-01-01t00:00:00z", "is not an RFC 3339 timestamp like 2026-05-01T12:00:00Z"),
    ],
)
def test_timestamps_must_be_real_dates(stamp: str, reason: str) -> None:
    doc = copy.deepcopy(GOOD)
    doc["approvals"][0]["source"] = {"tool": "t", "collected_at": stamp}
    assert lines(doc) == [f"/approvals/0/source/collected_at: '{stamp}' {reason}"]


def test_a_trailing_newline_does_not_slip_through_the_pattern() -> None:
    doc = copy.deepcopy(GOOD)
    doc["context"]["evaluated_at"] = "2026-05-01T00:00:00Z\n"
    assert lines(doc) == [
        "/context/evaluated_at: '2026-05-01T00:00:00Z\\n' is not an RFC 3339 timestamp"
    ]


def test_unknown_sections_warn_and_never_fail() -> None:
    doc = copy.deepcopy(GOOD)
    doc["zeta"] = [1, {"x": None}]
    doc["alpha"] = "anything"
    doc["source"] = {"tool": "ci"}
    report = validate(doc)
    assert report.ok
    assert report.warnings == [
        "unknown top-level section 'alpha'",
        "unknown top-level section 'zeta'",
    ]


def test_partial_fragments_may_miss_mapping_fields_but_not_item_fields() -> None:
    fragment = {"subject": {"risk_tier": "low"}, "metrics": [{"name": "f1"}]}
    assert lines(fragment, partial=True) == ["/metrics/0/value: is required"]


@pytest.mark.parametrize("doc", [[], "text", None, {"metrics": "x", "robustness": [3]}])
def test_nonsense_documents_are_problems_not_crashes(doc: Any) -> None:
    assert validate(doc).errors


def test_problem_renders_as_pointer_and_reason() -> None:
    assert str(Problem("/a/0", "is required")) == "/a/0: is required"
    assert str(Problem("", "[] is not an object")) == "/: [] is not an object"


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        ({"ratio": 1.42}, "1.42 is outside [0, 1]"),
        ({"ratio": 1.0, "by_group": {"female": 0.1, "male": 0.5}}, "1.0 contradicts by_group"),
    ],
)
def test_a_fairness_ratio_that_is_no_min_over_max_is_refused(
    item: dict[str, Any], reason: str
) -> None:
    doc = {"fairness": [{"metric": "selection_rate", "sensitive_feature": "sex", **item}]}
    lines = validate(doc, partial=True).lines()
    assert any(line.startswith("/fairness/0/ratio: " + reason) for line in lines), lines


def test_a_rounded_fairness_ratio_is_accepted() -> None:
    item = {"metric": "selection_rate", "sensitive_feature": "sex", "ratio": 0.81}
    item["by_group"] = {"female": 0.2754, "male": 0.34}  # 0.81 exactly, give or take rounding
    assert validate({"fairness": [item]}, partial=True).lines() == []


def test_a_stated_degradation_must_agree_with_value_and_baseline() -> None:
    item = {"test": "noise", "metric": "roc_auc", "value": 0.5, "baseline": 0.9}
    bad = validate({"robustness": [{**item, "degradation": -0.1}]}, partial=True).lines()
    assert bad == [
        "/robustness/0/degradation: -0.1 contradicts value and baseline, which give 0.4 "
        "(higher is better)"
    ]
    assert validate({"robustness": [{**item, "degradation": 0.4}]}, partial=True).lines() == []
