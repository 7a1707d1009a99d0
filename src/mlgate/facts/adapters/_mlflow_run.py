"""An MLflow run or model version → facts, through a real ``MlflowClient``.

Run metrics (latest value; names canonical, the logged spelling kept, a
``test_``/``val_``/``train_`` prefix read as the split and an ``_score`` suffix
as in ``mlflow.evaluate``'s ``accuracy_score``), params and tags
(``lineage.training_run``), dataset inputs (``lineage.datasets``, role from the
``mlflow.data.context`` tag) and artifacts recognised by name (model card,
data dictionary, SHAP summary, feature importance), hashed after download.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from mlgate.facts.adapters import _mlflow_artifacts
from mlgate.facts.adapters.base import AdapterOptions, metric_entry, provenance, prune, timestamp
from mlgate.facts.metrics import lookup

KIND = "mlflow"
_SPLITS = {"test": "test", "val": "validation", "validation": "validation", "valid": "validation"}
_SPLITS |= {"train": "train", "training": "train", "eval": "evaluation"}
_RENAMED = {"precision_recall_auc": "pr_auc"}  # mlflow.evaluate's spellings the registry lacks
_ROLES = {"train": "train", "training": "train", "val": "validation", "validation": "validation"}
_ROLES |= {"test": "test", "testing": "test", "eval": "evaluation", "evaluation": "evaluation"}
_ROLES |= {"reference": "reference", "baseline": "reference"}
_SKIPPED_TAGS = ("mlflow.log-model.history", "mlflow.loggedArtifacts")
_SUBJECT_TAGS = {"mlgate.risk_tier": "risk_tier", "mlgate.owner": "owner"}
_SUBJECT_TAGS |= {"mlgate.intended_use": "intended_use", "mlgate.author": "author"}


class RunReader:
    def __init__(self, client: Any, tracking_uri: str, options: AdapterOptions) -> None:
        self.client, self.uri, self.options = client, tracking_uri, options
        self.warnings: list[str] = []

    def source(self, run_id: str | None, uri: str) -> dict[str, Any]:
        return provenance(KIND, self.options, uri=uri, run_id=run_id, tracking_uri=self.uri)

    def model_facts(self, name: str, version: str | None, alias: str | None) -> dict[str, Any]:
        if alias is not None:
            mv = self.client.get_model_version_by_alias(name, alias)
        else:
            mv = self.client.get_model_version(name, version)
        model = self.client.get_registered_model(name)
        registry_uri = f"models:/{name}/{mv.version}"
        tags = {**(model.tags or {}), **(mv.tags or {})}
        subject = {
            "name": name,
            "version": str(mv.version),
            "registry_uri": registry_uri,
            "aliases": sorted(mv.aliases or []),
            "description": mv.description or None,
            "tags": dict(mv.tags or {}),
            "model_tags": dict(model.tags or {}),
            "status": mv.status,
            **self._subject_tags(tags),
            "source": self.source(mv.run_id or None, registry_uri),
        }
        if mv.status and mv.status != "READY":
            self.warnings.append(f"{registry_uri} has status {mv.status}, not READY")
        document: dict[str, Any] = {}
        if mv.run_id:
            document = self.run_facts(mv.run_id, version_tags=dict(mv.tags or {}), model=name)
        else:
            self.warnings.append(f"{registry_uri} has no source run: no run facts")
        document["subject"] = {**document.get("subject", {}), **prune(subject)}
        if "mlgate.previous_version" in tags:
            document.setdefault("change", {})["previous_version"] = tags["mlgate.previous_version"]
        return document

    def run_facts(
        self, run_id: str, *, version_tags: dict[str, str] | None = None, model: str | None = None
    ) -> dict[str, Any]:
        run = self.client.get_run(run_id)
        source = self.source(run_id, f"runs:/{run_id}")
        if run.info.status != "FINISHED":
            self.warnings.append(f"run {run_id} has status {run.info.status}, not FINISHED")
        document: dict[str, Any] = {}
        metrics = self.metrics(run.data.metrics, source)
        if metrics:
            document["metrics"] = metrics
        lineage: dict[str, Any] = {"training_run": self._run_info(run, source)}
        datasets = [self._dataset(d, source) for d in run.inputs.dataset_inputs or []]
        if datasets:
            lineage["datasets"] = datasets
        document["lineage"] = lineage
        with tempfile.TemporaryDirectory(prefix="mlgate-mlflow-") as tmp:
            found = _mlflow_artifacts.collect(self.client, run, source, Path(tmp), self.warnings)
        for section, facts in found.items():
            document.setdefault(section, {}).update(facts)
        tags = {**run.data.tags, **(version_tags or {})}
        change = self._baseline(tags, model)
        if change:
            document["change"] = change
        subject = self._subject_tags(dict(run.data.tags))  # read as a version's tags are
        if subject:
            document["subject"] = {**subject, "source": source}
        return document

    def metrics(self, logged: dict[str, float], source: dict[str, Any]) -> list[dict[str, Any]]:
        out: dict[tuple[str, str | None], dict[str, Any]] = {}
        for reported in sorted(logged):
            name, split = resolve(reported)
            entry = metric_entry(name, logged[reported], source, self.warnings, split=split)
            if entry is None:
                continue
            entry.pop("name_as_reported", None)
            if entry["name"] != reported:
                entry["name_as_reported"] = reported
            key = (entry["name"], split)
            if key in out and out[key]["value"] != entry["value"]:
                kept = out[key].get("name_as_reported", key[0])
                self.warnings.append(f"metric {reported!r} duplicates {kept!r}; kept {kept!r}")
                continue
            out.setdefault(key, entry)
        return list(out.values())

    def _run_info(self, run: Any, source: dict[str, Any]) -> dict[str, Any]:
        info = run.info
        tags = {k: v for k, v in run.data.tags.items() if k not in _SKIPPED_TAGS}
        return prune(
            {
                "run_id": info.run_id,
                "run_name": info.run_name or None,
                "experiment_id": info.experiment_id,
                "status": info.status,
                "user": info.user_id or None,
                "start_time": _ms(info.start_time),
                "end_time": _ms(info.end_time),
                "artifact_uri": info.artifact_uri,
                "params": dict(run.data.params),
                "tags": tags,
                "source": source,
            }
        )

    def _dataset(self, dataset_input: Any, source: dict[str, Any]) -> dict[str, Any]:
        import json

        dataset = dataset_input.dataset
        tags = {t.key: t.value for t in dataset_input.tags or []}
        context = tags.get("mlflow.data.context")
        details: dict[str, Any] = {}
        for field in ("source", "profile"):
            try:
                value = json.loads(getattr(dataset, field) or "null")
            except ValueError:
                value = None
            details[field] = value if isinstance(value, dict) else {}
        where = details["source"]
        rows = details["profile"].get("num_rows")
        return prune(
            {
                "name": dataset.name[:256],
                "role": _ROLES.get(str(context).lower(), "other") if context else "other",
                "context": context,
                "uri": where.get("uri") or where.get("url") or where.get("path"),
                "digest": dataset.digest or None,
                "source_type": dataset.source_type or None,
                "rows": rows if isinstance(rows, int) and rows >= 0 else None,
                "source": source,
            }
        )

    def _baseline(self, tags: dict[str, str], model: str | None) -> dict[str, Any]:
        run_id, previous = tags.get("mlgate.baseline_run_id"), None
        if model and (previous := tags.get("mlgate.baseline_version")):  # the version's own
            run_id = self.client.get_model_version(model, previous).run_id or None
        if not run_id:
            return {}
        baseline = self.client.get_run(run_id)
        source = self.source(run_id, f"runs:/{run_id}")
        change: dict[str, Any] = {"baseline_metrics": self.metrics(baseline.data.metrics, source)}
        if previous is not None:
            change["previous_version"] = previous
        change["source"] = source
        return change

    def _subject_tags(self, tags: dict[str, str]) -> dict[str, Any]:
        out = {field: tags[tag] for tag, field in _SUBJECT_TAGS.items() if tags.get(tag)}
        if out.get("risk_tier") not in (None, "low", "medium", "high"):
            self.warnings.append(
                f"tag mlgate.risk_tier={out.pop('risk_tier')!r} is not low/medium/high"
            )
        return out


def resolve(reported: str) -> tuple[str, str | None]:
    """(name to canonicalise, split) for a logged metric name; unknown names stay as logged."""
    if lookup(reported) or reported in _RENAMED:
        return _RENAMED.get(reported, reported), None
    for prefix, split in _SPLITS.items():
        for sep in ("_", "/", "."):
            if reported.lower().startswith(prefix + sep):
                name, _ = resolve(reported[len(prefix) + 1 :])
                if lookup(name):
                    return name, split
    if reported.endswith("_score") and lookup(reported[: -len("_score")]):
        return reported[: -len("_score")], None
    return reported, None


def _ms(value: Any) -> str | None:
    from datetime import UTC, datetime

    if not isinstance(value, int) or value <= 0:
        return None
    return timestamp(datetime.fromtimestamp(value / 1000, UTC))
