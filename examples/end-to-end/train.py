"""Train a tiny model, log it to a local MLflow store, measure fairness: the evidence.

Usage: python train.py WORKDIR

Writes into WORKDIR: an MLflow store (mlflow.db + artifacts/) holding the run and
the registered model ``credit-demo`` version 1, the Fairlearn MetricFrame export
``fairness.json``, and ``declarations.yaml`` (the facts no tool measures: the
ML lead's approval and when the dependency scan ran). ``run.sh`` then turns
all of it into facts and a decision.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
from fairlearn.metrics import (
    MetricFrame,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, recall_score, roc_auc_score
from sklearn.model_selection import train_test_split

from mlgate.facts.adapters.fairlearn import export_metric_frame

MODEL = "credit-demo"
CARD = """# credit-demo

## Intended use

Rank synthetic credit applications for manual review. A demonstration model.

## Limitations

Trained on generated data; not for real decisions.

## Training data

2,000 generated applications (income, debt ratio, history length).

## Evaluation

ROC AUC, accuracy, F1 and recall on a 30% hold-out split; selection rate and
equalized odds by sex with Fairlearn.
"""


def data(seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = 2000
    frame = pd.DataFrame(
        {
            "income": rng.normal(50, 15, n),
            "debt_ratio": rng.uniform(0, 1, n),
            "history_years": rng.integers(0, 30, n).astype(float),
            "sex": rng.choice(["female", "male"], n),
        }
    )
    score = 0.06 * frame.income - 3 * frame.debt_ratio + 0.05 * frame.history_years
    frame["default"] = (score + rng.normal(0, 1, n) < 2.0).astype(int)
    return frame


def main(work: Path) -> None:
    work.mkdir(parents=True, exist_ok=True)
    uri = f"sqlite:///{work}/mlflow.db"
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    experiment = mlflow.create_experiment(
        "credit-demo", artifact_location=(work / "artifacts").as_uri()
    )
    frame = data()
    features = ["income", "debt_ratio", "history_years"]
    train, test = train_test_split(frame, test_size=0.3, random_state=0, stratify=frame["default"])
    model = LogisticRegression(max_iter=500).fit(train[features], train["default"])
    proba = model.predict_proba(test[features])[:, 1]
    predicted = (proba >= 0.5).astype(int)

    with mlflow.start_run(experiment_id=experiment) as run:
        mlflow.log_params({"model": "LogisticRegression", "max_iter": 500})
        mlflow.log_metrics(
            {
                "roc_auc": roc_auc_score(test["default"], proba),
                "accuracy": accuracy_score(test["default"], predicted),
                "f1_score": f1_score(test["default"], predicted),
                "recall": recall_score(test["default"], predicted),
            }
        )
        for name, part, context in (("applications-train", train, "training"),
                                    ("applications-holdout", test, "test")):  # fmt: skip
            dataset = mlflow.data.from_pandas(part, name=name, targets="default")
            mlflow.log_input(dataset, context=context)
        mlflow.log_text(CARD, "model_card.md")
        importance = dict(zip(features, (abs(c) for c in model.coef_[0]), strict=True))
        mlflow.log_text(json.dumps(importance), "feature_importance.json")
        info = mlflow.sklearn.log_model(
            model, name="model", registered_model_name=MODEL, pip_requirements=["scikit-learn"]
        )

    client = mlflow.MlflowClient(uri, uri)
    version = str(info.registered_model_version)
    client.set_model_version_tag(MODEL, version, "mlgate.risk_tier", "low")
    client.set_model_version_tag(MODEL, version, "mlgate.owner", "risk-analytics")
    client.set_model_version_tag(MODEL, version, "mlgate.author", "alex.ds")

    mf = MetricFrame(
        metrics={
            "selection_rate": selection_rate,
            "true_positive_rate": true_positive_rate,
            "false_positive_rate": false_positive_rate,
        },
        y_true=test["default"],
        y_pred=predicted,
        sensitive_features=test["sex"],
    )
    export_metric_frame(mf, work / "fairness.json")
    _declarations(work / "declarations.yaml")
    print(f"models:/{MODEL}/{version} from run {run.info.run_id}")


def _declarations(path: Path) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    stamp = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    asserted, expires = stamp(now - timedelta(minutes=5)), stamp(now + timedelta(days=30))
    statements = [
        ("/approvals/-", {"role": "ml_lead", "principal": "priya.lead", "decision": "approve",
                          "at": asserted}, "priya.lead", "https://review.example.com/credit-demo/1"),
        ("/security/scans/-", {"tool": "pip-audit", "target": "requirements.lock",
                               "completed_at": asserted}, "ci-bot",
         "https://ci.example.com/credit-demo/jobs/17"),
        # In CI the `ci` adapter (`--from ci:`) names the actor; here it is declared.
        ("/context/actor", "ci-bot", "ci-bot", "https://ci.example.com/credit-demo/jobs/17"),
    ]  # fmt: skip
    entries = [
        {"fact": fact, "value": value, "asserted_by": who, "asserted_at": asserted,
         "evidence": evidence, "expires_at": expires}
        for fact, value, who, evidence in statements
    ]  # fmt: skip
    path.write_text(json.dumps({"declarations": entries}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve())
