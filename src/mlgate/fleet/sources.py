"""Where the production models come from: names only, read one at a time later.

* ``FactsDir``: every ``*.json`` / ``*.yaml`` / ``*.yml`` file under a
  directory (recursively, sorted by path). Only the paths are listed up front.
* ``MlflowRegistry``: every registered model with a version under the alias
  (default ``production``); each becomes the source
  ``mlflow:models:/NAME@ALIAS`` that a worker collects (``facts collect``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgate.errors import InputError
from mlgate.facts.adapters.base import require
from mlgate.facts.adapters.mlflow import check_tracking_uri
from mlgate.secrets import redact_url

SUFFIXES = (".json", ".yaml", ".yml")


@dataclass(frozen=True)
class Item:
    """One model to re-evaluate: a facts file, or a source to collect its facts from."""

    label: str
    path: str | None = None
    source: str | None = None
    tracking_uri: str | None = None


class FactsDir:
    def __init__(self, directory: str | Path) -> None:
        root = Path(directory)
        if not root.is_dir():
            raise InputError(f"--facts-dir {directory}: no such directory")
        self._paths = sorted(_walk(str(root)))
        if not self._paths:
            raise InputError(f"--facts-dir {directory}: no facts files (*.json, *.yaml) in it")

    def __len__(self) -> int:
        return len(self._paths)

    def __iter__(self) -> Iterator[Item]:
        return (Item(label=p, path=p) for p in self._paths)


def _walk(root: str) -> Iterator[str]:
    for entry in os.scandir(root):
        if entry.is_dir(follow_symlinks=False) and not entry.name.startswith("."):
            yield from _walk(entry.path)
        elif entry.is_file() and entry.name.endswith(SUFFIXES) and not entry.name.startswith("."):
            yield entry.path


class MlflowRegistry:
    def __init__(self, tracking_uri: str, alias: str = "production") -> None:

        shown = redact_url(tracking_uri)
        check_tracking_uri(tracking_uri, f"--mlflow-registry {shown}")
        mlflow = require("mlflow", "mlflow", "mlflow")
        self._uri, self._alias = tracking_uri, alias
        try:
            client = mlflow.MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)
            names = [m.name for m in _all_models(client) if alias in (m.aliases or {})]
        except Exception as exc:  # MlflowException, connection errors
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise InputError(f"--mlflow-registry {shown}: {first}") from None
        if not names:
            raise InputError(f"--mlflow-registry {shown}: no model has the alias {alias!r}")
        self._names = sorted(names)

    def __len__(self) -> int:
        return len(self._names)

    def __iter__(self) -> Iterator[Item]:
        for name in self._names:
            source = f"mlflow:models:/{name}@{self._alias}"
            yield Item(label=f"models:/{name}@{self._alias}", source=source, tracking_uri=self._uri)


def _all_models(client: Any) -> Iterator[Any]:
    token = None
    while True:
        page = client.search_registered_models(max_results=200, page_token=token)
        yield from page
        token = getattr(page, "token", None)
        if not token:
            return
