"""``mlflow:runs:/RUN_ID`` and ``mlflow:models:/NAME/VERSION`` (or ``models:/NAME@ALIAS``).

The tracking (and registry) URI comes from ``--tracking-uri`` or
``MLFLOW_TRACKING_URI``; there is no silent default. A tracking server
(``http(s)://``) is read through its REST API without importing ``mlflow``; it
must answer ``/health`` within a few seconds. A local store (``sqlite:///``,
a directory) is read with ``MlflowClient`` (extra ``mlflow``) and must exist:
MLflow would otherwise create an empty one. A file store that MLflow 3 refuses
(without ``MLFLOW_ALLOW_FILE_STORE=true``) is one line naming the variable.

A model version gives ``subject`` (name, version, registry URI, aliases, tags,
and ``mlgate.risk_tier`` / ``mlgate.owner`` / ``mlgate.intended_use`` tags),
then the facts of its source run (see ``_mlflow_run``). A run's own
``mlgate.*`` tags give the same subject fields (a version's tags win). The baseline whose
metrics become ``change.baseline_metrics`` is named by the version tag
``mlgate.baseline_version`` (also ``change.previous_version``), else by a
``mlgate.baseline_run_id`` run or version tag.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from mlgate.facts.adapters import _mlflow_rest, _mlflow_run
from mlgate.facts.adapters.base import AdapterBase, AdapterOptions, FactsFragment, fail, require
from mlgate.secrets import redact_url, scrub, url_secrets

KIND = "mlflow"
FILE_STORE_ENV = "MLFLOW_ALLOW_FILE_STORE"
_MODEL = re.compile(r"^models:/(?P<name>[^/@]+)(?:/(?P<version>\d+)|@(?P<alias>[\w-]+))$")
_RUN = re.compile(r"^runs:/(?P<run>[0-9A-Za-z_-]+)/?$")


class Adapter(AdapterBase):
    kind = KIND

    def collect(self, location: str) -> FactsFragment:
        model, run = _MODEL.match(location), _RUN.match(location)
        if model is None and run is None:
            raise fail(
                KIND, location, "expected runs:/RUN_ID, models:/NAME/VERSION or models:/NAME@ALIAS"
            )
        uri = self.options.tracking_uri or self.options.environ.get("MLFLOW_TRACKING_URI")
        if not uri:
            raise fail(
                KIND, location, "no tracking URI: pass --tracking-uri or set MLFLOW_TRACKING_URI"
            )
        client, errors = _client(uri, location, self.options)
        reader = _mlflow_run.RunReader(client, uri, self.options)
        try:
            if run is not None:
                document = reader.run_facts(run["run"])
            elif model is not None:
                document = reader.model_facts(model["name"], model["version"], model["alias"])
        except errors as exc:
            message = scrub(_first_line(getattr(exc, "message", exc)), url_secrets(uri))
            raise fail(KIND, location, f"{message} (tracking URI {redact_url(uri)})") from None
        except OSError as exc:
            reason = scrub(str(exc), url_secrets(uri))
            raise fail(KIND, location, f"cannot read from {redact_url(uri)}: {reason}") from None
        return FactsFragment(KIND, location, document, tuple(reader.warnings))


def check_tracking_uri(uri: str, location: str) -> None:
    """Fail fast and in one line on a tracking URI that cannot work: a server that does
    not answer within 5 s (MLflow's own client would retry for minutes), a store
    directory or SQLite file that does not exist."""
    if uri.startswith(("http://", "https://")):
        _probe(uri, location)
    else:
        _check_store(uri, location)


def _client(
    uri: str, location: str, options: AdapterOptions
) -> tuple[Any, tuple[type[Exception], ...]]:
    """A REST client for a tracking server (no mlflow import), else MLflow's own client."""
    check_tracking_uri(uri, location)
    if uri.startswith(("http://", "https://")):
        return _mlflow_rest.RestClient(uri, options.environ), (_mlflow_rest.RestError,)
    require(KIND, "mlflow", KIND)
    from mlflow.exceptions import MlflowException
    from mlflow.tracking import MlflowClient

    try:
        return MlflowClient(tracking_uri=uri, registry_uri=uri), (MlflowException,)
    except MlflowException as exc:
        raise fail(KIND, location, _refused_store(uri, exc)) from None


def _refused_store(uri: str, exc: Exception) -> str:
    """One line for a store MLflow will not open: above all MLflow 3's file store."""
    message = _first_line(getattr(exc, "message", exc))
    if FILE_STORE_ENV in message:
        return (
            f"tracking store {redact_url(uri)} is a file store, which MLflow refuses unless "
            f"{FILE_STORE_ENV}=true; set it, or move the store to a database "
            "(mlflow migrate-filestore, then --tracking-uri sqlite:///mlflow.db)"
        )
    return f"MLflow cannot open the tracking store {redact_url(uri)}: {message}"


def _check_store(uri: str, location: str) -> None:
    if uri.startswith("sqlite:///"):
        path = Path(uri[len("sqlite:///") :])
        if not path.is_file():
            raise fail(KIND, location, f"tracking store {path} does not exist ({uri})")
        problem = _not_an_mlflow_store(path)
        if problem:  # MLflow would create its tables in it: collecting must not write
            raise fail(KIND, location, f"tracking store {path}: {problem}")
    elif uri.startswith("file:") or ("://" not in uri and not uri.startswith("databricks")):
        path = Path(
            uri[len("file://") :] if uri.startswith("file://") else uri.removeprefix("file:")
        )
        if not path.is_dir():
            raise fail(KIND, location, f"tracking directory {path} does not exist")


def _not_an_mlflow_store(path: Path) -> str | None:
    """Why the file is no MLflow SQLite store (read only), or ``None``."""
    import sqlite3

    with open(path, "rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            return "not a SQLite database"
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            found = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return f"unreadable SQLite database ({exc})"
    return None if found else "not an MLflow tracking store (no MLflow tables)"


def _probe(uri: str, location: str) -> None:
    import requests

    try:
        requests.get(uri.rstrip("/") + "/health", timeout=5)
    except requests.RequestException as exc:
        reason = type(exc).__name__
        if isinstance(exc, requests.ConnectionError):
            reason = "connection refused or host unreachable"
        elif isinstance(exc, requests.Timeout):
            reason = "no answer within 5 s"
        raise fail(KIND, location, f"tracking server {uri} is unreachable: {reason}") from None


def _first_line(message: Any) -> str:
    text = str(message).strip()
    return text.splitlines()[0] if text else "MLflow error"
