"""mlgate's cache directory and small JSON entries in it.

``MLGATE_CACHE_DIR``, else ``$XDG_CACHE_HOME/mlgate``, else ``~/.cache/mlgate``;
``MLGATE_NO_CACHE=1`` turns the entries off. An entry only ever saves time: a
missing, unreadable or corrupt one reads as None, and a failed write is
ignored, so every caller recomputes what it cannot read.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from mlgate.errors import InputError
from mlgate.files import write_atomic


def cache_dir() -> Path:
    explicit = os.environ.get("MLGATE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mlgate"


def entry_path(name: str) -> Path | None:
    """Where the entry ``name`` lives, or None when caching is off."""
    if os.environ.get("MLGATE_NO_CACHE"):
        return None
    return cache_dir() / name


def read_entry(name: str) -> Any:
    path = entry_path(name)
    if path is None:
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_entry(name: str, value: Any) -> None:
    """Write atomically (a reader sees the old entry or the new one, never half)."""
    path = entry_path(name)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(value), what="a cache entry")
    except (OSError, TypeError, ValueError, InputError):
        pass
