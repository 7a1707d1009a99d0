"""``mlgate compare``: challenger against champion, at and around each margin, by direction."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mlgate.cli.main import main
from mlgate.engine.select import EngineOptions
from mlgate.errors import InputError
from mlgate.monitoring.canary import metric_pairs, pair
from mlgate.monitoring.monitor import compare

AT = "2026-11-01T00:00:00Z"


def _facts(tmp: Path, name: str, metrics: dict[str, float | None], tier: str = "medium") -> Path:
    doc = {
        "apiVersion": "mlgate/v1",
        "kind": "ModelFacts",
        "subject": {"name": "credit", "version": name, "risk_tier": tier},
        "metrics": [{"name": k, "value": v, "dataset": "holdout"} for k, v in metrics.items()],
    }
    path = tmp / f"{name}.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _outcome(tmp: Path, champion: dict[str, Any], challenger: dict[str, Any]) -> dict[str, Any]:
    checked = compare(
        _facts(tmp, "champion", champion),
        _facts(tmp, "challenger", challenger),
        engine=EngineOptions(name="embedded"),
        evaluated_at=AT,
    )
    return checked.decision.document


# (metric, champion, challenger, outcome): medium margins are roc_auc 0.01 (default),
# latency_p99_ms 150, log_loss 0.01 (default, lower is better).
MARGINS = [
    ("roc_auc", 0.86, 0.85, "pass"),
    ("roc_auc", 0.86, 0.8499, "fail"),
    ("roc_auc", 0.86, 0.8501, "pass"),
    ("roc_auc", 0.86, 0.95, "pass"),
    ("latency_p99_ms", 200, 350, "pass"),
    ("latency_p99_ms", 200, 350.01, "fail"),
    ("latency_p99_ms", 200, 349.99, "pass"),
    ("latency_p99_ms", 200, 50, "pass"),
    ("log_loss", 0.30, 0.31, "pass"),
    ("log_loss", 0.30, 0.3101, "fail"),
    ("log_loss", 0.30, 0.29, "pass"),
]


@pytest.mark.parametrize(("metric", "champion", "challenger", "outcome"), MARGINS)
def test_margin_by_direction(
    tmp_path: Path, metric: str, champion: float, challenger: float, outcome: str
) -> None:
    decision = _outcome(tmp_path, {metric: champion}, {metric: challenger})
    assert decision["outcome"] == outcome
    assert decision["kind"] == "comparison"
    assert [v["control"] for v in decision["violations"]] == (
        ["MLG-MON-006"] if outcome == "fail" else []
    )


def test_regression_is_exact_at_the_margin() -> None:
    assert pair("roc_auc", 0.86, 0.85)["regression"] == 0.01
    assert pair("latency_p99_ms", 200, 350)["regression"] == 150
    assert pair("log_loss", 0.3, 0.31)["regression"] == 0.01
    assert pair("roc_auc", 0.8, 0.9)["regression"] == -0.1


def test_metric_the_challenger_lacks_is_insufficient_evidence(tmp_path: Path) -> None:
    decision = _outcome(tmp_path, {"roc_auc": 0.86, "recall": 0.7}, {"roc_auc": 0.86})
    assert decision["outcome"] == "insufficient_evidence"
    assert [m["path"] for m in decision["missing_evidence"]] == ["/monitoring/canary/metrics/1"]


def test_no_shared_metric_is_insufficient_evidence(tmp_path: Path) -> None:
    decision = _outcome(tmp_path, {}, {"roc_auc": 0.9})
    assert decision["outcome"] == "insufficient_evidence"


def test_metrics_without_direction_are_left_out_with_a_warning() -> None:
    warnings: list[str] = []
    champion = {
        "metrics": [{"name": "custom_score", "value": 1}, {"name": "roc_auc", "value": 0.9}]
    }
    pairs = metric_pairs(champion, {"metrics": []}, warnings)
    assert [p["name"] for p in pairs] == ["roc_auc"]
    assert warnings == ["the champion's metric custom_score has no direction; it is not compared"]


def test_two_measurements_of_one_metric_on_one_dataset_are_ambiguous() -> None:
    doc = {"metrics": [{"name": "roc_auc", "value": 0.9}, {"name": "roc_auc", "value": 0.8}]}
    with pytest.raises(InputError, match="give roc_auc twice"):
        metric_pairs(doc, doc, [])


def test_measurements_match_on_dataset_and_split() -> None:
    champion = {"metrics": [{"name": "roc_auc", "value": 0.9, "dataset": "a"}]}
    challenger = {"metrics": [{"name": "roc_auc", "value": 0.5, "dataset": "b"}]}
    (only,) = metric_pairs(champion, challenger, [])
    assert only["challenger"] is None and only["dataset"] == "a"


def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    champion = _facts(tmp_path, "champion", {"roc_auc": 0.86})
    worse = _facts(tmp_path, "worse", {"roc_auc": 0.80})
    same = _facts(tmp_path, "same", {"roc_auc": 0.86})
    base = ["compare", "--champion", str(champion), "-e", "embedded", "--at", AT]
    assert main([*base, "--challenger", str(same)]) == 0
    assert capsys.readouterr().out.startswith("PASS")
    assert main([*base, "--challenger", str(worse), "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["outcome"] == "fail"
    assert main([*base, "--challenger", str(tmp_path / "missing.json")]) == 2
    assert "mlgate: error:" in capsys.readouterr().err
