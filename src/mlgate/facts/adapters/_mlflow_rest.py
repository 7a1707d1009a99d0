"""A small client for an MLflow tracking server's REST API (``/api/2.0/mlflow``).

It answers the few calls the MLflow adapter makes, with objects shaped like
``MlflowClient``'s entities, so collecting from a tracking server does not
import ``mlflow`` (seconds of import for milliseconds of work). Credentials
come from ``MLFLOW_TRACKING_TOKEN`` or ``MLFLOW_TRACKING_USERNAME`` /
``MLFLOW_TRACKING_PASSWORD``, as for MLflow's own client.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import SimpleNamespace as NS
from typing import Any

TIMEOUT = 30


class RestError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RestClient:
    def __init__(self, uri: str, environ: Mapping[str, str]) -> None:
        import requests

        self.base = uri.rstrip("/")
        self.session = requests.Session()
        if token := environ.get("MLFLOW_TRACKING_TOKEN"):
            self.session.headers["Authorization"] = f"Bearer {token}"
        elif user := environ.get("MLFLOW_TRACKING_USERNAME"):
            self.session.auth = (user, environ.get("MLFLOW_TRACKING_PASSWORD", ""))

    def _get(self, endpoint: str, **params: Any) -> Any:
        import requests

        url = f"{self.base}/api/2.0/mlflow/{endpoint}"
        try:
            response = self.session.get(url, params=params, timeout=TIMEOUT)
        except requests.RequestException as exc:
            raise RestError(f"request to {url} failed: {type(exc).__name__}") from None
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code != 200:
            message = body.get("message") if isinstance(body, dict) else None
            raise RestError(message or f"{endpoint}: HTTP {response.status_code}")
        if not isinstance(body, dict):
            raise RestError(f"{endpoint}: the server's answer is not a JSON object")
        return body

    def get_run(self, run_id: str) -> NS:
        run = self._get("runs/get", run_id=run_id)["run"]
        data, info = run.get("data", {}), run["info"]
        inputs = [
            NS(dataset=NS(**_dataset(item.get("dataset", {}))), tags=_tags(item.get("tags")))
            for item in run.get("inputs", {}).get("dataset_inputs", [])
        ]
        return NS(
            info=NS(
                run_id=info["run_id"],
                run_name=info.get("run_name"),
                experiment_id=info.get("experiment_id"),
                status=info.get("status"),
                user_id=info.get("user_id"),
                start_time=_int(info.get("start_time")),
                end_time=_int(info.get("end_time")),
                artifact_uri=info.get("artifact_uri", ""),
            ),
            data=NS(
                metrics={m["key"]: _value(m.get("value")) for m in data.get("metrics", [])},
                params={p["key"]: p.get("value") for p in data.get("params", [])},
                tags={t["key"]: t.get("value") for t in data.get("tags", [])},
            ),
            inputs=NS(dataset_inputs=inputs),
        )

    def get_model_version(self, name: str, version: str) -> NS:
        return _version(self._get("model-versions/get", name=name, version=version))

    def get_model_version_by_alias(self, name: str, alias: str) -> NS:
        return _version(self._get("registered-models/alias", name=name, alias=alias))

    def get_registered_model(self, name: str) -> NS:
        model = self._get("registered-models/get", name=name)["registered_model"]
        return NS(tags={t["key"]: t.get("value") for t in model.get("tags", [])})

    def list_artifacts(self, run_id: str, path: str | None = None) -> list[NS]:
        params = {"run_id": run_id, **({"path": path} if path else {})}
        files = self._get("artifacts/list", **params).get("files", [])
        return [NS(path=f["path"], is_dir=bool(f.get("is_dir"))) for f in files]

    def download_artifacts(self, run_id: str, path: str, dst: str) -> str:
        import requests

        local = Path(dst) / path
        local.parent.mkdir(parents=True, exist_ok=True)
        url = f"{self.base}/get-artifact"
        try:
            with self.session.get(
                url, params={"run_uuid": run_id, "path": path}, timeout=TIMEOUT, stream=True
            ) as response:
                if response.status_code != 200:
                    raise RestError(f"artifact {path}: HTTP {response.status_code}")
                with local.open("wb") as handle:
                    for block in response.iter_content(1 << 20):
                        handle.write(block)
        except requests.RequestException as exc:
            raise RestError(f"artifact {path}: {type(exc).__name__}") from None
        return str(local)


def _version(body: dict[str, Any]) -> NS:
    mv = body["model_version"]
    return NS(
        version=str(mv["version"]),
        run_id=mv.get("run_id") or None,
        status=mv.get("status"),
        description=mv.get("description"),
        tags={t["key"]: t.get("value") for t in mv.get("tags", [])},
        aliases=list(mv.get("aliases", [])),
    )


def _dataset(dataset: dict[str, Any]) -> dict[str, Any]:
    fields = ("name", "digest", "source_type", "source", "schema", "profile")
    return {f: dataset.get(f) for f in fields}


def _tags(tags: Any) -> list[NS]:
    return [NS(key=t.get("key"), value=t.get("value")) for t in tags or [] if isinstance(t, dict)]


def _value(value: Any) -> Any:
    """Protobuf JSON spells non-finite doubles as strings: 'NaN', 'Infinity'."""
    return float(value) if value in ("NaN", "Infinity", "-Infinity") else value


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
