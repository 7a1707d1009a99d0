"""``mlgate check --mlflow-writeback``: record the decision on the MLflow model version.

The version gets the tags ``mlgate.outcome``, ``mlgate.decision_id``,
``mlgate.bundle_revision``, ``mlgate.bundle_digest`` and ``mlgate.evaluated_at``.
Only a ``pass`` sets the registered-model alias (default ``certified``) to it;
any other outcome takes that alias away from this version (it lost its
certification) and never touches the alias when it names another version.
On a pass the tags are written before the alias; otherwise the alias goes first,
so a failed write never leaves a certification without its evidence.

The version comes from the facts' ``subject``: ``registry_uri`` when it is
``models:/NAME/VERSION`` (what the MLflow adapter records), else ``name`` and
``version``. Every MLflow failure is one ``WritebackError`` line (exit 2).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.errors import InputError, MlgateError, UsageError
from mlgate.secrets import redact_url, scrub, url_secrets

if TYPE_CHECKING:
    from mlgate.decisions.model import Decision

DEFAULT_ALIAS = "certified"
_MODEL_VERSION_URI = re.compile(r"^models:/(?P<name>[^/@]+)/(?P<version>\d+)$")


class WritebackError(MlgateError):
    """MLflow did not take the write-back: unreachable, unknown model version, refused."""


@dataclass(frozen=True)
class RegisteredVersion:
    name: str
    version: str

    @property
    def uri(self) -> str:
        return f"models:/{self.name}/{self.version}"

    @classmethod
    def from_subject(cls, subject: Mapping[str, Any]) -> RegisteredVersion:
        """``subject.registry_uri`` as ``models:/NAME/VERSION``, else ``name`` + ``version``."""
        uri = subject.get("registry_uri")
        match = _MODEL_VERSION_URI.match(uri) if isinstance(uri, str) else None
        if match is not None:
            return cls(match["name"], match["version"])
        name, version = subject.get("name"), str(subject.get("version", ""))
        if isinstance(name, str) and name and version.isdigit():
            return cls(name, version)
        raise InputError(
            f"--mlflow-writeback: subject.registry_uri ({uri!r}) is not models:/NAME/VERSION "
            f"and subject.version ({version!r}) is not an MLflow model version number"
        )


def require_tracking_uri(tracking_uri: str | None) -> str:
    if not tracking_uri:
        raise UsageError(
            "--mlflow-writeback needs a tracking URI: pass --tracking-uri or set "
            "MLFLOW_TRACKING_URI"
        )
    return tracking_uri


def decision_tags(decision: Decision) -> dict[str, str]:
    bundle = decision.document.get("bundle") or {}
    return {
        "mlgate.outcome": decision.outcome,
        "mlgate.decision_id": decision.decision_id,
        "mlgate.bundle_revision": str(bundle.get("revision", "")),
        "mlgate.bundle_digest": str(bundle.get("digest", "")),
        "mlgate.evaluated_at": str(decision.document.get("evaluated_at", "")),
    }


def write_back(
    decision: Decision,
    *,
    model: str,
    version: str,
    tracking_uri: str | None,
    alias: str | None = DEFAULT_ALIAS,
) -> list[str]:
    """Tag ``models:/model/version`` with ``decision``; set or drop ``alias``. Says what it did."""
    uri = require_tracking_uri(tracking_uri)
    target = RegisteredVersion(model, version)
    alias = alias or DEFAULT_ALIAS
    client, errors = _client(uri)
    try:
        aliases = client.get_model_version(model, version).aliases or []
        done: list[str] = []
        if decision.outcome != "pass" and alias in aliases:
            client.delete_registered_model_alias(model, alias)
            done.append(f"mlflow: {target.uri}: alias {alias!r} removed")
        for key, value in decision_tags(decision).items():
            client.set_model_version_tag(model, version, key, value)
        done.append(f"mlflow: {target.uri}: tagged mlgate.outcome={decision.outcome}")
        if decision.outcome == "pass":
            client.set_registered_model_alias(model, alias, version)
            done.append(f"mlflow: {target.uri}: alias {alias!r} set")
    except errors as exc:
        problem = scrub(_first_line(getattr(exc, "message", exc)), url_secrets(uri))
        raise WritebackError(
            f"MLflow write-back to {target.uri} failed: {problem} (tracking URI {redact_url(uri)})"
        ) from None
    return done


def write_back_subject(
    decision: Decision,
    subject: Mapping[str, Any],
    *,
    tracking_uri: str | None,
    alias: str | None = DEFAULT_ALIAS,
) -> list[str]:
    """``write_back`` to the version the facts' ``subject`` names."""
    target = RegisteredVersion.from_subject(subject)
    return write_back(
        decision,
        model=target.name,
        version=target.version,
        tracking_uri=tracking_uri,
        alias=alias,
    )


def _client(uri: str) -> tuple[Any, tuple[type[Exception], ...]]:
    try:
        from mlflow.exceptions import MlflowException
        from mlflow.tracking import MlflowClient
    except ImportError:
        raise UsageError("--mlflow-writeback needs `pip install 'mlgate[mlflow]'`") from None
    _check_reachable(uri)
    return MlflowClient(tracking_uri=uri, registry_uri=uri), (MlflowException, OSError)


def _check_reachable(uri: str) -> None:
    """Refuse a missing local store (MLflow would create an empty one) or a silent server."""
    if uri.startswith("sqlite:///"):
        path = Path(uri[len("sqlite:///") :])
        if not path.is_file():
            raise WritebackError(f"MLflow write-back: tracking store {path} does not exist")
    elif uri.startswith("file:") or ("://" not in uri and not uri.startswith("databricks")):
        path = Path(uri.removeprefix("file://").removeprefix("file:"))
        if not path.is_dir():
            raise WritebackError(f"MLflow write-back: tracking directory {path} does not exist")
    elif uri.startswith(("http://", "https://")):
        import requests

        try:
            requests.get(uri.rstrip("/") + "/health", timeout=5)
        except requests.RequestException as exc:
            raise WritebackError(
                f"MLflow write-back: tracking server {redact_url(uri)} is unreachable "
                f"({type(exc).__name__})"
            ) from None


def _first_line(message: object) -> str:
    text = str(message).strip()
    return text.splitlines()[0] if text else "MLflow error"
