"""examples/monitoring: the README's two monitor runs give the verdicts it shows."""

from __future__ import annotations

import json

import pytest

from mlgate.cli.main import main
from tests.conftest import REPO

M = REPO / "examples" / "monitoring"


def _run(latency: str, *extra: str) -> list[str]:
    return [
        "monitor",
        "--facts", str(M / "facts.yaml"),
        "--series", f"latency_ms:ms={M / latency}",
        "--series", f"prediction_confidence={M / 'confidence.json'}",
        "--drift", str(M / "drift.json"),
        "--at", "2026-11-01T00:00:00Z",
        "--format", "json",
        *extra,
    ]  # fmt: skip


def test_healthy_series_with_a_baseline_pass(capsys: pytest.CaptureFixture[str]) -> None:
    baseline = f"prediction_confidence={M / 'confidence-baseline.json'}"
    assert main(_run("latency-healthy.json", "--baseline", baseline)) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["outcome"] == "pass" and doc["violations"] == []
    status = {c["id"]: c["status"] for c in doc["details"]["controls"]}
    assert set(status.values()) == {"pass"} and "MLG-MON-001" in status


def test_degraded_latency_fails_with_a_rollback(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_run("latency-degraded.json")) == 1
    doc = json.loads(capsys.readouterr().out)
    assert sorted(v["control"] for v in doc["violations"]) == ["MLG-MON-002", "MLG-MON-003"]
    assert "rollback" in {a["action"] for a in doc["actions"]}
