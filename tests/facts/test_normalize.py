"""Normalisation: canonical metric names, derived degradation, folded names."""

from __future__ import annotations

import copy
from typing import Any

from mlgate.facts.normalize import degradation, fold, normalize


def test_metric_aliases_become_canonical_and_keep_the_reported_name() -> None:
    doc = {
        "metrics": [{"name": "AUC", "value": 0.9}, {"name": "roc_auc", "value": 0.8},
                    {"name": "my_metric", "value": 1}],
        "change": {"baseline_metrics": [{"name": "auroc", "value": 0.88}]},
    }  # fmt: skip
    out = normalize(doc)
    assert out["metrics"] == [
        {"name": "roc_auc", "value": 0.9, "name_as_reported": "AUC"},
        {"name": "roc_auc", "value": 0.8},
        {"name": "my_metric", "value": 1},
    ]
    assert out["change"]["baseline_metrics"] == [
        {"name": "roc_auc", "value": 0.88, "name_as_reported": "auroc"}
    ]
    assert doc["metrics"][0]["name"] == "AUC"  # the input is untouched


def test_degradation_is_the_exact_decimal() -> None:
    assert 0.3 - 0.1 != 0.2
    assert degradation(0.1, 0.3, "higher") == 0.2
    assert degradation(0.3, 0.1, "lower") == 0.2
    assert degradation(120, 100, "lower") == 20.0


def test_degradation_is_derived_in_the_metric_direction_and_marked() -> None:
    doc = {
        "robustness": [
            {"test": "noise", "metric": "accuracy", "value": 0.1, "baseline": 0.3,
             "source": {"tool": "giskard"}},
            {"test": "load", "metric": "p99_latency_ms", "value": 130, "baseline": 100},
        ]
    }  # fmt: skip
    first, second = normalize(doc)["robustness"]
    assert first["degradation"] == 0.2
    assert first["source"] == {"tool": "giskard", "derived": ["degradation"]}
    assert second["degradation"] == 30.0
    assert second["source"] == {"tool": "mlgate", "derived": ["degradation"]}


def test_absent_values_stay_absent() -> None:
    doc: dict[str, Any] = {
        "subject": {"name": "m", "version": "1"},
        "robustness": [
            {"test": "a", "metric": "accuracy", "value": 0.8},
            {"test": "b", "metric": "accuracy", "value": None, "baseline": 0.9},
            {"test": "c", "metric": "unknown_metric", "value": 0.8, "baseline": 0.9},
        ],
        "approvals": [{"role": "x", "decision": "approve"}],
    }
    assert normalize(doc) == doc  # (a null degradation beside value and baseline: see below)


def test_names_are_nfc_casefolded() -> None:
    doc = {
        "subject": {"author": "Straße", "owner": "ÅSA"},
        "approvals": [
            {"role": "Risk_Officer", "principal": "İlker", "decision": "approve"},
            {"role": "risk_officer", "principal": "A\u030asa", "decision": "approve"},
        ],
        "context": {"actor": "STRASSE"},
    }
    out = normalize(doc)
    assert out["subject"] == {"author": "strasse", "owner": "åsa"}
    assert out["context"]["actor"] == out["subject"]["author"]
    assert out["approvals"][0]["principal"] == "i\u0307lker"  # İ casefolds to i + combining dot
    assert out["approvals"][0]["role"] == "risk_officer"
    assert out["approvals"][1]["principal"] == "åsa" == out["subject"]["owner"]


def test_fold_is_idempotent() -> None:
    for text in ("İstanbul", "Straße", "ǅ", "ﬃ", "A\u030a"):
        assert fold(fold(text)) == fold(text)


def test_normalize_is_idempotent() -> None:
    doc = {
        "metrics": [{"name": "AUC", "value": 0.9}],
        "robustness": [{"test": "n", "metric": "acc", "value": 0.5, "baseline": 0.7}],
    }
    once = normalize(doc)
    assert normalize(copy.deepcopy(once)) == once


def test_invisible_and_compatibility_spellings_fold_to_one_name() -> None:
    for spelling in (
        " dana.ml",
        "dana.ml ",
        "\uff44\uff41\uff4e\uff41.\uff4d\uff4c",  # fullwidth
        "dana\u200b.ml",
        "dana.ml\u00ad",
        "DANA.ML",
    ):
        assert fold(spelling) == "dana.ml", spelling
    assert fold("ci\u2010bot") == fold("ci-bot") == "ci-bot"  # a hyphen lookalike
    assert fold("a  b") == "a b"


def test_a_null_degradation_is_derived_like_an_absent_one() -> None:
    item = {"test": "n", "metric": "roc_auc", "value": 0.5, "baseline": 0.9, "degradation": None}
    assert normalize({"robustness": [item]})["robustness"][0]["degradation"] == 0.4


def test_a_metric_spelled_with_odd_blanks_or_fullwidth_letters_is_still_known() -> None:
    from mlgate.facts.metrics import lookup

    for spelling in ("roc\u00a0auc", "roc\tauc", "\uff21\uff35\uff23", "ROC\u2011AUC", "roc__auc"):
        spec = lookup(spelling)
        assert spec is not None and spec.name == "roc_auc", spelling
    assert lookup("roc_auc.") is None  # a different name stays unknown
