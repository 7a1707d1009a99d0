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
from typing import TYPE_CHECKING

from mlgate.cache import read_entry, write_entry
from mlgate.engine.builtins import ScanResult

if TYPE_CHECKING:
    from mlgate.bundles.model import Bundle

SCANNER_VERSION = "1"


def _key(bundle: Bundle, engine_version: str, include_tests: bool) -> str:
    """A hash of the module texts themselves (not the bundle's stated digest)."""
    h = hashlib.sha256("\0".join([SCANNER_VERSION, engine_version, bundle.source]).encode())
    modules = {**bundle.modules, **(bundle.test_modules if include_tests else {})}
    for path in sorted(modules):
        h.update(b"\0" + path.encode() + b"\0" + modules[path].encode())
    return h.hexdigest()


def _from_json(raw: object) -> ScanResult | None:
    if not isinstance(raw, dict):
        return None
    refused, deviations = raw.get("refused"), raw.get("deviations")
    if not isinstance(refused, list) or not isinstance(deviations, dict):
        return None
    return ScanResult(refused=[str(r) for r in refused], deviations=dict(deviations))


def _name(bundle: Bundle, engine_version: str, include_tests: bool) -> str:
    return f"scan-{_key(bundle, engine_version, include_tests)}.json"


def peek_scan(bundle: Bundle, engine_version: str, include_tests: bool) -> ScanResult | None:
    """The remembered scan of this bundle, or None (then scan and ``store_scan``)."""
    return _from_json(read_entry(_name(bundle, engine_version, include_tests)))


def store_scan(
    bundle: Bundle, engine_version: str, include_tests: bool, result: ScanResult
) -> None:
    value = {"refused": result.refused, "deviations": result.deviations}
    write_entry(_name(bundle, engine_version, include_tests), value)
