"""Remembering a bundle's builtin scan between runs.

Scanning means asking regorus for the whole AST as JSON (about 3 MB for the
shipped bundle) and walking it: most of the cost of loading a bundle. The
result depends only on the bundle's module texts, where it was loaded from (messages
name the files), the regorus version and the scanner, so it is cached under a
key of all four. The cache only ever saves time: a missing, unreadable or
corrupt entry means scanning again, and a failed write is ignored. A tampered
entry could at worst hide a warning; a refused builtin still fails at
evaluation as an engine error.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from mlgate.engine.builtins import ScanResult

if TYPE_CHECKING:
    from mlgate.bundles.model import Bundle

SCANNER_VERSION = "1"


def cache_dir() -> Path:
    explicit = os.environ.get("MLGATE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mlgate"


def _key(bundle: Bundle, engine_version: str, include_tests: bool) -> str:
    """A hash of the module texts themselves (not the bundle's stated digest)."""
    h = hashlib.sha256("\0".join([SCANNER_VERSION, engine_version, bundle.source]).encode())
    modules = {**bundle.modules, **(bundle.test_modules if include_tests else {})}
    for path in sorted(modules):
        h.update(b"\0" + path.encode() + b"\0" + modules[path].encode())
    return h.hexdigest()


def _read(path: Path) -> ScanResult | None:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        refused, deviations = raw["refused"], raw["deviations"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(refused, list) or not isinstance(deviations, dict):
        return None
    return ScanResult(refused=[str(r) for r in refused], deviations=dict(deviations))


def _write(path: Path, result: ScanResult) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".scan-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"refused": result.refused, "deviations": result.deviations}, handle)
        os.replace(tmp, path)
    except OSError:
        pass


def _path(bundle: Bundle, engine_version: str, include_tests: bool) -> Path | None:
    if os.environ.get("MLGATE_NO_CACHE"):
        return None
    return cache_dir() / f"scan-{_key(bundle, engine_version, include_tests)}.json"


def peek_scan(bundle: Bundle, engine_version: str, include_tests: bool) -> ScanResult | None:
    """The remembered scan of this bundle, or None (then scan and ``store_scan``)."""
    path = _path(bundle, engine_version, include_tests)
    return _read(path) if path is not None else None


def store_scan(
    bundle: Bundle, engine_version: str, include_tests: bool, result: ScanResult
) -> None:
    path = _path(bundle, engine_version, include_tests)
    if path is not None:
        _write(path, result)
