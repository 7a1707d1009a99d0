"""``recertify --mlflow-registry``: the models under an alias of a real (SQLite) registry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlgate.cli.main import main
from mlgate.errors import InputError
from mlgate.fleet.sources import MlflowRegistry

mlflow = pytest.importorskip("mlflow")


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("mlflow")
    uri = f"sqlite:///{root}/mlflow.db"
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    try:
        experiment = mlflow.create_experiment("fleet", artifact_location=(root / "a").as_uri())
        mlflow.set_experiment(experiment_id=experiment)
        client = mlflow.MlflowClient(uri, uri)
        for name, auc, alias in [
            ("churn", 0.9, "production"),
            ("fraud", 0.6, "production"),
            ("draft", 0.7, None),
        ]:
            with mlflow.start_run() as run:
                mlflow.log_metric("roc_auc", auc)
            client.create_registered_model(name)
            client.create_model_version(
                name, f"runs:/{run.info.run_id}/model", run_id=run.info.run_id
            )
            client.set_model_version_tag(name, "1", "mlgate.risk_tier", "low")
            if alias:
                client.set_registered_model_alias(name, alias, "1")
    finally:
        mlflow.set_tracking_uri(None)
        mlflow.set_registry_uri(None)
    return uri


def test_lists_only_the_models_under_the_alias(registry: str) -> None:
    source = MlflowRegistry(registry, "production")
    assert len(source) == 2
    assert [i.source for i in source] == [
        "mlflow:models:/churn@production",
        "mlflow:models:/fraud@production",
    ]


def test_an_alias_nobody_has_is_an_input_error(registry: str) -> None:
    with pytest.raises(InputError, match="no model has the alias 'staging'"):
        MlflowRegistry(registry, "staging")


def test_recertify_collects_each_model_from_the_registry(
    registry: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["recertify", "--bundle", "rego", "--mlflow-registry", registry, "--no-log", "--json"]
    code = main(args)
    doc = json.loads(capsys.readouterr().out)
    assert doc["total"] == 2
    assert doc["counts"]["error"] == 0 and doc["counts"]["unchanged"] == 2
    assert code == 0
