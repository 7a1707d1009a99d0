"""``check --data FILE``: extra bundle data merged over the bundle's, as ``opa eval -d``
and conftest's ``--data`` do (e.g. a team's stricter thresholds).

A file is a JSON or YAML object (YAML read as the bundle's ``data.yaml`` is, 1.2 core
schema) placed at the data root. Objects merge key by key, recursively; any other
value replaces the bundle's. Several files apply in order. The decision records each
file with the sha256 of its data (by value, as OPA hashes ``data.json``) and the
paths it set, and the bundle's ``digest`` becomes one over the files' digest and the
overlays' (``files_digest`` keeps the files' own): approvals given under other data
do not count, and a replay without the overlay differs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from mlgate.bundles.model import Bundle
from mlgate.bundles.parse import parse_data_file
from mlgate.canonical import digest
from mlgate.errors import BundleError, InputError

MAX_BYTES = 16 * 1024 * 1024
MAX_PATHS = 100  # paths listed per file in the decision


def apply_overlays(bundle: Bundle, files: Sequence[str | Path]) -> Bundle:
    """``bundle`` with the data of ``files`` merged over its own, in order."""
    if not files:
        return bundle
    data = json.loads(json.dumps(bundle.data))  # a copy the merge may change
    records: list[dict[str, Any]] = []
    for file in files:
        overlay = _read(Path(file))
        try:
            value_digest = digest(overlay)
        except ValueError as exc:
            raise InputError(f"{file}: --data: {exc}") from None
        _merge(data, overlay, (), str(file))
        paths = _leaf_paths(overlay, ())
        records.append(
            {
                "file": str(file),
                "digest": value_digest,
                "paths": paths[:MAX_PATHS] + (["…"] if len(paths) > MAX_PATHS else []),
            }
        )
    combined = "\n".join([bundle.digest, *(r["digest"] for r in records)])
    return replace(
        bundle,
        data=data,
        digest="sha256:" + hashlib.sha256(combined.encode("utf-8")).hexdigest(),
        files_digest=bundle.files_digest or bundle.digest,
        overlays=tuple(records),
    )


def _read(path: Path) -> dict[str, Any]:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(f"{path}: --data file over {MAX_BYTES // 2**20} MB")
        content = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: --data: cannot read: {exc.strerror}") from None
    if path.suffix.lower() not in (".json", ".yaml", ".yml"):
        raise InputError(f"{path}: --data takes a .json, .yaml or .yml file")
    try:
        value = parse_data_file(content, str(path))
    except BundleError as exc:
        raise InputError(f"--data: {exc.message}") from None
    if not isinstance(value, dict):
        raise InputError(f"{path}: --data must hold an object (placed at the data root)")
    return value


def _merge(base: dict[str, Any], over: dict[str, Any], at: tuple[str, ...], file: str) -> None:
    for key, value in over.items():
        if not isinstance(key, str):
            raise InputError(
                f"{file}: --data: key {key!r} at {'.'.join(at) or 'the root'} is not a string"
            )
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value, (*at, key), file)
        else:
            base[key] = value


def _leaf_paths(value: Any, at: tuple[str, ...]) -> list[str]:
    if isinstance(value, dict) and value:
        return [p for key, sub in value.items() for p in _leaf_paths(sub, (*at, str(key)))]
    return [".".join(("data", *at))]
