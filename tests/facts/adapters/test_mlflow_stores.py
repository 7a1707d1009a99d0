"""MLflow stores users have: a file store MLflow 3 refuses, and a run's own mlgate.* tags."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mlgate.facts.adapters.base import AdapterOptions, get_adapter
from tests.facts.adapters.conftest import NOW

mlflow = pytest.importorskip("mlflow")


def _file_store(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    uri = (root / "mlruns").as_uri()
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")  # as a user's old store was made
    # A client, not the fluent API: that keeps the active experiment of earlier tests.
    client = mlflow.MlflowClient(uri)
    run = client.create_run(client.create_experiment("stores"))
    client.log_metric(run.info.run_id, "roc_auc", 0.81)
    client.set_terminated(run.info.run_id)
    monkeypatch.delenv("MLFLOW_ALLOW_FILE_STORE")
    return uri, run.info.run_id


def test_a_file_store_is_one_line_naming_the_variable_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    uri, run_id = _file_store(tmp_path, monkeypatch)
    out = tmp_path / "facts.json"
    # A fresh process: MLflow keeps the stores it opened, as this one opened the file store.
    done = subprocess.run(
        [sys.executable, "-m", "mlgate", "facts", "collect", "--tracking-uri", uri,
         "--from", f"mlflow:runs:/{run_id}", "-o", str(out), "--quiet"],
        capture_output=True, text=True, timeout=120, env={**os.environ},
    )  # fmt: skip
    code, err = done.returncode, done.stderr
    assert code == 2 and not out.exists()
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert "MLFLOW_ALLOW_FILE_STORE=true" in err and "database" in err


def test_a_file_store_allowed_by_the_variable_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    uri, run_id = _file_store(tmp_path, monkeypatch)
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    options = AdapterOptions(now=NOW, tracking_uri=uri, environ={})
    fragment = get_adapter("mlflow", options).collect(f"runs:/{run_id}")
    assert fragment.document["metrics"][0]["value"] == 0.81


def test_run_tags_give_the_subject_as_version_tags_do(tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path}/mlflow.db"
    client = mlflow.MlflowClient(uri, uri)  # not the fluent API: no state from other tests
    run = client.create_run(client.create_experiment("tags"))
    client.log_metric(run.info.run_id, "roc_auc", 0.9)
    for key, value in {"risk_tier": "high", "owner": "risk-team", "author": "ana"}.items():
        client.set_tag(run.info.run_id, f"mlgate.{key}", value)
    client.set_terminated(run.info.run_id)
    client.create_registered_model("m")
    client.create_model_version("m", f"runs:/{run.info.run_id}/model", run_id=run.info.run_id)
    client.set_model_version_tag("m", "1", "mlgate.risk_tier", "medium")
    options = AdapterOptions(now=NOW, tracking_uri=uri, environ={})
    adapter = get_adapter("mlflow", options)
    subject = adapter.collect(f"runs:/{run.info.run_id}").document["subject"]
    assert (subject["risk_tier"], subject["owner"], subject["author"]) == (
        "high", "risk-team", "ana"
    )  # fmt: skip
    assert subject["source"]["run_id"] == run.info.run_id
    version = adapter.collect("models:/m/1").document["subject"]
    assert version["risk_tier"] == "medium"  # the version's own tag wins
    assert version["owner"] == "risk-team" and version["name"] == "m"
    assert json.dumps(version)  # a plain document
