"""examples/end-to-end/run.sh: train → MLflow → Fairlearn → facts collect → check → decision."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mlflow")
pytest.importorskip("fairlearn")
pytest.importorskip("sklearn")

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "examples" / "end-to-end" / "run.sh"


@pytest.mark.slow
def test_the_end_to_end_example_gives_a_decision(tmp_path):
    mlgate = Path(sys.executable).with_name("mlgate")
    env = {**os.environ, "PYTHON": sys.executable, "MLGATE": str(mlgate)}
    env.pop("MLFLOW_TRACKING_URI", None)
    done = subprocess.run(
        ["bash", str(SCRIPT), str(tmp_path), "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    decision = json.loads(done.stdout[done.stdout.index("{") :])
    assert decision["outcome"] == "pass"
    facts = json.loads((tmp_path / "facts.json").read_text())
    assert facts["subject"]["name"] == "credit-demo" and facts["subject"]["risk_tier"] == "low"
    tools = {m["source"]["tool"] for m in facts["metrics"]}
    assert tools == {"mlflow"}
    fairness = {f["metric"] for f in facts["fairness"]}
    assert {"selection_rate", "equalized_odds"} <= fairness
    assert facts["approvals"][0]["source"]["tool"] == "declarations"
    assert {d["role"] for d in facts["lineage"]["datasets"]} == {"train", "test"}
