"""Drift scores from Evidently reports (through the Evidently adapter)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mlgate.errors import InputError
from mlgate.facts.adapters.base import AdapterOptions
from mlgate.monitoring.drift import drift_entries, score_kind

FIXTURES = Path(__file__).parents[1] / "facts" / "adapters" / "fixtures"
OPTIONS = AdapterOptions(now=datetime(2026, 11, 1, tzinfo=UTC), environ={})


def test_legacy_report_gives_scores_methods_and_the_reports_verdicts() -> None:
    entries, warnings = drift_entries(str(FIXTURES / "evidently-report-legacy.json"), OPTIONS)
    by = {e["feature"]: e for e in entries}
    assert set(by) == {"income", "age"}
    assert by["income"]["score"] == 0.18 and by["income"]["detected"] is True
    assert by["age"]["detected"] is False
    assert by["income"]["score_kind"] == "distance"
    assert by["income"]["threshold"] == 0.1
    assert by["income"]["source"]["tool"] == "evidently"
    assert len(by["income"]["source"]["sha256"]) == 64
    assert warnings == []


def test_0_7_snapshot_reads_value_drift_and_the_method_from_its_test() -> None:
    entries, _ = drift_entries(str(FIXTURES / "evidently-snapshot-0.7.json"), OPTIONS)
    assert entries == [
        {
            "feature": "income",
            "score": 0.18,
            "score_kind": "distance",
            "method": "Wasserstein distance (normed)",
            "threshold": 0.1,
            "detected": None,
            "source": entries[0]["source"],
        }
    ]


@pytest.mark.parametrize(
    ("method", "kind"),
    [
        ("K-S p_value", "p_value"),
        ("chisquare", "p_value"),
        ("Z-test p_value", "p_value"),
        ("ks", "p_value"),
        ("Wasserstein distance (normed)", "distance"),
        ("PSI", "distance"),
        ("psi", "distance"),
        ("Jensen-Shannon distance", "distance"),
        ("Kullback-Leibler divergence", "distance"),
        ("Mystery test", "unknown"),
        ("", "unknown"),
        (None, "unknown"),
    ],
)
def test_score_kind(method: str | None, kind: str) -> None:
    assert score_kind(method) == kind


def test_not_an_evidently_report_is_refused_by_the_adapter(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps({"hello": 1}))
    with pytest.raises(InputError, match=r"evidently adapter: .*not an Evidently report"):
        drift_entries(str(path), OPTIONS)


def test_nan_score_becomes_no_score(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    column = {
        "column_name": "x",
        "stattest_name": "PSI",
        "drift_score": float("nan"),
        "drift_detected": True,
    }
    report = {"metrics": [{"metric": "ColumnDriftMetric", "result": column}]}
    path.write_text(json.dumps(report))
    entries, _ = drift_entries(str(path), OPTIONS)
    assert entries[0]["score"] is None and entries[0]["score_kind"] == "distance"


@pytest.mark.parametrize(
    ("test", "score", "message"),
    [
        ("PSI", "high", "the drift score 'high' is not a finite number"),
        ("PSI", -0.5, "the drift distance -0.5 is negative"),
        ("K-S p_value", 7.0, "the p-value 7 is outside [0, 1]"),
        ("PSI", float("inf"), "the drift score Infinity is not a finite number"),
    ],
)
def test_an_unsound_score_is_an_error_naming_the_feature(
    tmp_path: Path, test: str, score: object, message: str
) -> None:
    path = tmp_path / "r.json"
    column = {"column_name": "x", "stattest_name": test, "drift_score": score}
    report = {"metrics": [{"metric": "ColumnDriftMetric", "result": column}]}
    path.write_text(json.dumps(report))
    with pytest.raises(InputError) as caught:
        drift_entries(str(path), OPTIONS)
    assert caught.value.message == f"{path}: feature 'x': {message}"
