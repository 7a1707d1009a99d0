"""Where the shipped data files live: the JSON schemas and the Rego bundle.

From an installed wheel they are package data at ``mlgate/_data/schemas`` and
``mlgate/_data/rego`` (pyproject's force-include); in an editable checkout they
are the repository's top-level ``schemas/`` and ``rego/``.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from mlgate.errors import MlgateError

_PACKAGE = Path(__file__).resolve().parent
_CANDIDATES = (_PACKAGE / "_data", _PACKAGE.parent.parent)


def _find(name: str) -> Path:
    for root in _CANDIDATES:
        if (root / name).is_dir():
            return root / name
    looked = ", ".join(str(root / name) for root in _CANDIDATES)
    raise MlgateError(f"mlgate's data files are missing: no {name}/ in {looked}")


def schemas_dir() -> Path:
    """The directory holding ``facts.schema.json`` and ``decision.schema.json``."""
    return _find("schemas")


def bundle_dir() -> Path:
    """The shipped Rego bundle (the ``rego/`` directory)."""
    return _find("rego")


def schema_path(name: str) -> Path:
    """The path of one shipped schema, e.g. ``schema_path("facts.schema.json")``."""
    path = schemas_dir() / name
    if not path.is_file():
        raise MlgateError(f"mlgate's data files are missing: no {path}")
    return path


@functools.cache
def load_schema(name: str) -> dict[str, Any]:
    """A shipped schema parsed once per process (do not mutate the result)."""
    loaded = json.loads(schema_path(name).read_text(encoding="utf-8"))
    if not isinstance(loaded, dict):
        raise MlgateError(f"{name}: a schema must be a JSON object")
    return loaded
