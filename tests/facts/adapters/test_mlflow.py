"""The MLflow adapter against a real tracking store (SQLite + local artifacts) made here."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from mlgate.errors import InputError
from mlgate.facts.adapters.base import AdapterOptions, get_adapter
from mlgate.facts.validate import validate
from tests.facts.adapters.conftest import NOW

mlflow = pytest.importorskip("mlflow")
pd = pytest.importorskip("pandas")

CARD = "# Credit model\n\n## Intended use\n\nManual review.\n\n## Limitations\n\nUS only.\n"
PNG = b"\x89PNG\r\n\x1a\n fake shap summary"


@dataclass(frozen=True)
class Store:
    uri: str
    run_id: str
    baseline_run_id: str
    root: Path


def _log(run_id_holder: list[str], metrics: dict[str, list[float]], **extra: object) -> None:
    with mlflow.start_run() as run:
        for name, values in metrics.items():
            for step, value in enumerate(values):
                mlflow.log_metric(name, value, step=step)
        for key, value in extra.get("params", {}).items():  # type: ignore[union-attr]
            mlflow.log_param(key, value)
        for key, value in extra.get("tags", {}).items():  # type: ignore[union-attr]
            mlflow.set_tag(key, value)
        for path, text in extra.get("artifacts", {}).items():  # type: ignore[union-attr]
            if isinstance(text, bytes):
                local = Path(extra["tmp"]) / Path(path).name  # type: ignore[arg-type]
                local.write_bytes(text)
                mlflow.log_artifact(str(local), str(Path(path).parent) or None)
            else:
                mlflow.log_text(text, path)
        for name, context in extra.get("datasets", {}).items():  # type: ignore[union-attr]
            frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": [0, 1, 0, 1]})
            dataset = mlflow.data.from_pandas(
                frame, source=f"s3://lake/{name}.parquet", name=name, targets="y"
            )
            mlflow.log_input(dataset, context=context)
        run_id_holder.append(run.info.run_id)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    root = tmp_path_factory.mktemp("mlflow")
    uri = f"sqlite:///{root}/mlflow.db"
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    try:
        experiment = mlflow.create_experiment("credit", artifact_location=(root / "a").as_uri())
        mlflow.set_experiment(experiment_id=experiment)
        ids: list[str] = []
        _log(ids, {"roc_auc": [0.86]})
        _log(
            ids,
            {
                "roc_auc": [0.80, 0.87],
                "test_accuracy_score": [0.85],
                "precision_recall_auc": [0.71],
                "loss": [float("nan")],
                "custom_gain": [12.5],
            },
            params={"C": 0.5, "max_iter": 200},
            tags={"team": "risk", "mlgate.baseline_run_id": ids[0]},
            artifacts={
                "model_card.md": CARD,
                "docs/data_dictionary.csv": "column,meaning\nincome,yearly income\n",
                "explain/shap_summary.png": PNG,
                "explain/feature_importance.json": '{"income": 0.4}',
                "notes.txt": "not a recognised artifact",
            },
            datasets={"train-2026": "training", "holdout-2026": "test"},
            tmp=root,
        )
        client = mlflow.MlflowClient(uri, uri)
        client.create_registered_model("credit-risk", tags={"mlgate.owner": "risk-team"})
        for run_id in ids:
            client.create_model_version("credit-risk", f"runs:/{run_id}/model", run_id=run_id)
        client.set_registered_model_alias("credit-risk", "champion", "2")
        client.set_model_version_tag("credit-risk", "2", "mlgate.risk_tier", "medium")
        client.set_model_version_tag("credit-risk", "2", "mlgate.baseline_version", "1")
    finally:
        mlflow.set_tracking_uri(None)
        mlflow.set_registry_uri(None)
    return Store(uri, ids[1], ids[0], root)


def collect(location: str, uri: str | None, environ: dict[str, str] | None = None):
    options = AdapterOptions(now=NOW, tracking_uri=uri, environ=environ or {})
    return get_adapter("mlflow", options).collect(location)


def test_run_metrics_are_latest_canonical_and_keep_the_logged_spelling(store):
    fragment = collect(f"runs:/{store.run_id}", store.uri)
    metrics = {(m["name"], m.get("split")): m for m in fragment.document["metrics"]}
    assert metrics["roc_auc", None]["value"] == 0.87  # the latest step, not the first
    accuracy = metrics["accuracy", "test"]
    assert accuracy["value"] == 0.85 and accuracy["name_as_reported"] == "test_accuracy_score"
    assert metrics["pr_auc", None]["name_as_reported"] == "precision_recall_auc"
    assert metrics["custom_gain", None]["value"] == 12.5
    assert ("loss", None) not in metrics  # NaN is not a measurement
    assert any("'loss'" in w for w in fragment.warnings)
    source = accuracy["source"]
    assert source == {
        "tool": "mlflow",
        "uri": f"runs:/{store.run_id}",
        "run_id": store.run_id,
        "collected_at": "2026-11-23T08:00:00Z",
        "tracking_uri": store.uri,
    }


def test_run_params_tags_datasets_and_baseline(store):
    doc = collect(f"runs:/{store.run_id}", store.uri).document
    run = doc["lineage"]["training_run"]
    assert run["params"] == {"C": "0.5", "max_iter": "200"}
    assert run["tags"]["team"] == "risk" and run["status"] == "FINISHED"
    datasets = {d["name"]: d for d in doc["lineage"]["datasets"]}
    assert datasets["train-2026"]["role"] == "train"
    assert datasets["holdout-2026"]["role"] == "test"
    assert datasets["train-2026"]["uri"] == "s3://lake/train-2026.parquet"
    assert datasets["train-2026"]["rows"] == 4 and datasets["train-2026"]["digest"]
    (baseline,) = doc["change"]["baseline_metrics"]
    assert baseline["name"] == "roc_auc" and baseline["value"] == 0.86
    assert baseline["source"]["run_id"] == store.baseline_run_id
    assert "previous_version" not in doc["change"]  # a run tag names no version


def test_run_artifacts_are_recognised_by_name_and_hashed(store):
    doc = collect(f"runs:/{store.run_id}", store.uri).document
    card = doc["documentation"]["model_card"]
    assert card["uri"].endswith("/artifacts/model_card.md")
    assert card["sha256"] == hashlib.sha256(CARD.encode()).hexdigest()
    assert card["sections"] == ["intended_use", "limitations"]
    assert doc["documentation"]["data_dictionary"]["uri"].endswith("docs/data_dictionary.csv")
    kinds = {a["kind"]: a for a in doc["explainability"]["artifacts"]}
    assert set(kinds) == {"shap_summary", "feature_importance"}
    assert kinds["shap_summary"]["sha256"] == hashlib.sha256(PNG).hexdigest()
    assert "notes.txt" not in str(doc)


def test_model_version_gives_subject_aliases_tags_and_its_run(store):
    doc = collect("models:/credit-risk/2", store.uri).document
    subject = doc["subject"]
    assert (subject["name"], subject["version"]) == ("credit-risk", "2")
    assert subject["registry_uri"] == "models:/credit-risk/2"
    assert subject["aliases"] == ["champion"]
    assert subject["risk_tier"] == "medium" and subject["owner"] == "risk-team"
    assert subject["source"]["run_id"] == store.run_id
    assert doc["change"]["previous_version"] == "1"
    assert doc["change"]["baseline_metrics"][0]["source"]["run_id"] == store.baseline_run_id
    assert {m["name"] for m in doc["metrics"]} >= {"roc_auc", "accuracy"}


def test_model_alias_resolves_to_its_version(store):
    doc = collect("models:/credit-risk@champion", store.uri).document
    assert doc["subject"]["version"] == "2"


def test_tracking_uri_comes_from_the_environment(store):
    doc = collect("models:/credit-risk/1", None, {"MLFLOW_TRACKING_URI": store.uri}).document
    assert doc["subject"]["version"] == "1" and "risk_tier" not in doc["subject"]


@pytest.mark.parametrize(
    ("location", "problem"),
    [
        ("runs:/0123456789abcdef0123456789abcdef", "Run with id=0123456789abcdef0123456789abcdef"),
        ("models:/credit-risk/9", "not found"),
        ("models:/no-such-model/1", "not found"),
        ("models:/credit-risk@nobody", "nobody"),
        ("models:/credit-risk/latest", "expected runs:/RUN_ID, models:/NAME/VERSION"),
    ],
)
def test_what_does_not_exist_is_an_error_naming_adapter_and_location(store, location, problem):
    with pytest.raises(InputError) as caught:
        collect(location, store.uri)
    assert caught.value.message.startswith(f"mlflow adapter: {location}: ")
    assert problem in caught.value.message


def test_a_missing_sqlite_store_is_refused_and_not_created(tmp_path):
    db = tmp_path / "nothing.db"
    with pytest.raises(InputError, match=r"mlflow adapter: runs:/abc: tracking store .* not exist"):
        collect("runs:/abc", f"sqlite:///{db}")
    assert not db.exists()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "not a SQLite database"),
        (b"not a db", "not a SQLite database"),
        (None, "not an MLflow tracking store (no MLflow tables)"),
    ],
)
def test_a_store_that_is_no_mlflow_database_is_refused_and_left_as_it_was(
    tmp_path, content, problem
):
    db = tmp_path / "other.db"
    if content is None:  # a SQLite database of something else
        import sqlite3

        conn = sqlite3.connect(db)
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
        conn.close()
    else:
        db.write_bytes(content)
    before = db.read_bytes()
    with pytest.raises(InputError, match=re.escape(f"tracking store {db}: {problem}")):
        collect("runs:/abc", f"sqlite:///{db}")
    assert db.read_bytes() == before  # MLflow did not migrate it


def test_an_unreachable_tracking_server_fails_fast(unused_port):
    started = time.monotonic()
    with pytest.raises(InputError, match=r"mlflow adapter: runs:/abc: tracking server .* unreach"):
        collect("runs:/abc", f"http://127.0.0.1:{unused_port}")
    assert time.monotonic() - started < 10


def test_no_tracking_uri_is_an_error():
    with pytest.raises(InputError, match="no tracking URI: pass --tracking-uri"):
        collect("runs:/abc", None)


def test_a_missing_extra_names_the_install_command(store, monkeypatch):
    monkeypatch.setitem(sys.modules, "mlflow", None)
    with pytest.raises(
        InputError, match=r"the mlflow adapter needs `pip install mlgate\[mlflow\]`"
    ):
        collect(f"runs:/{store.run_id}", store.uri)


@pytest.fixture(scope="module")
def server(store: Store) -> Iterator[str]:
    """A real ``mlflow server`` over the same store, on a free local port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [str(Path(sys.executable).with_name("mlflow")), "server", "--backend-store-uri",
               store.uri, "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]  # fmt: skip
    log = (store.root / "server.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=log, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{url}/health", timeout=2).ok:
                    break
            except requests.RequestException:
                time.sleep(0.5)
        else:
            pytest.fail(f"mlflow server did not start: {(store.root / 'server.log').read_text()}")
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


def _comparable(document: dict) -> str:
    text = json.dumps(document, sort_keys=True)
    return re.sub(r'"(collected_at|tracking_uri)": "[^"]*"', "", text)


@pytest.mark.slow
def test_a_tracking_server_gives_the_same_facts_without_importing_mlflow(store, server):
    for location in ("models:/credit-risk/2", "models:/credit-risk@champion"):
        remote = collect(location, server)
        local = collect(location, store.uri)
        assert _comparable(remote.document) == _comparable(local.document)
        assert remote.warnings == local.warnings
    code = (
        "import sys; from mlgate.facts.adapters.base import AdapterOptions, get_adapter; "
        f"get_adapter('mlflow', AdapterOptions(tracking_uri={server!r})).collect("
        f"'runs:/{store.run_id}'); print('mlflow' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


@pytest.mark.slow
def test_a_tracking_server_says_what_does_not_exist(server):
    with pytest.raises(InputError, match=r"mlflow adapter: runs:/nope: Run with id=nope not found"):
        collect("runs:/nope", server)


def test_mlflow_evaluate_results_become_canonical_metrics(tmp_path):
    np = pytest.importorskip("numpy")
    linear = pytest.importorskip("sklearn.linear_model")
    uri = f"sqlite:///{tmp_path}/mlflow.db"
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=200), "b": rng.normal(size=200)})
    label = (frame.a + rng.normal(size=200) > 0).astype(int)
    model = linear.LogisticRegression().fit(frame, label)
    mlflow.set_tracking_uri(uri)
    try:
        experiment = mlflow.create_experiment("e", artifact_location=(tmp_path / "a").as_uri())
        with mlflow.start_run(experiment_id=experiment) as run:
            result = mlflow.models.evaluate(
                model.predict, frame.assign(label=label), targets="label",
                model_type="classifier", evaluators=["default"],
            )  # fmt: skip
    finally:
        mlflow.set_tracking_uri(None)
    metrics = {m["name"]: m for m in collect(f"runs:/{run.info.run_id}", uri).document["metrics"]}
    pairs = [("accuracy", "accuracy_score"), ("f1", "f1_score")]
    pairs += [("precision", "precision_score"), ("recall", "recall_score")]
    for canonical, logged in pairs:
        assert metrics[canonical]["name_as_reported"] == logged
        assert metrics[canonical]["value"] == pytest.approx(result.metrics[logged])
    assert metrics["example_count"]["value"] == 200  # not in the registry: kept as logged


def test_what_the_mlflow_adapter_writes_is_known_to_the_schema(store):
    """No unknown-field warning for mlgate's own output (issue 19: typos warn)."""
    for location in ("models:/credit-risk/2", f"runs:/{store.run_id}"):
        warnings = validate(collect(location, store.uri).document, partial=True).warnings
        assert warnings == [], location
