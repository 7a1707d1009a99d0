"""Parse a bundle's files into a ``Bundle``: OPA's bundle format.

``.rego`` files anywhere; ``data.json`` / ``data.yaml`` files whose directory is
their data path; an optional ``.manifest`` (JSON) with ``revision``, ``roots``
and ``metadata``; ``principals.yaml`` at the root. Reading the files from a
directory, an archive or a URL is ``bundles.source``.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any

from mlgate.bundles._yaml import parse_yaml
from mlgate.bundles.archive import PRINCIPALS_FILE
from mlgate.bundles.digest import bundle_digest
from mlgate.bundles.model import Bundle, Manifest
from mlgate.bundles.roots import first_overlap
from mlgate.errors import BundleError

_DATA_NAMES = frozenset({"data.json", "data.yaml", "data.yml"})


def bundle_from_files(files: dict[str, bytes], *, source: str) -> Bundle:
    manifest = _manifest(files.get(".manifest"), source)
    modules: dict[str, str] = {}
    tests: dict[str, str] = {}
    data: dict[str, Any] = {}
    for rel in sorted(files):
        name = PurePosixPath(rel).name
        if rel.endswith(".rego"):
            text = _text(files[rel], source, rel)
            (tests if name.endswith("_test.rego") else modules)[rel] = text
        elif name in _DATA_NAMES:
            value = parse_data_file(files[rel], f"{source}/{rel}")
            _place(data, PurePosixPath(rel).parent.parts, value, source, rel)
    if not modules:
        raise BundleError(f"{source}: bundle has no Rego policy files")
    _check_roots(manifest, modules, data, source)
    return Bundle(
        source=source,
        manifest=manifest,
        modules=modules,
        data=data,
        digest=bundle_digest(files),
        test_modules=tests,
        principals=files.get(PRINCIPALS_FILE),
    )


def _text(content: bytes, source: str, rel: str) -> str:
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BundleError(f"{source}/{rel}: not UTF-8 text ({exc.reason})") from exc


def _manifest(content: bytes | None, source: str) -> Manifest:
    if content is None:
        return Manifest()
    raw = _parse_json(content, f"{source}/.manifest")
    if not isinstance(raw, dict):
        raise BundleError(f"{source}/.manifest: must be a JSON object")
    revision = raw.get("revision", "")
    roots = raw.get("roots", [""])
    metadata = raw.get("metadata", {})
    if not isinstance(revision, str):
        raise BundleError(f"{source}/.manifest: revision must be a string")
    if not isinstance(roots, list) or not all(isinstance(r, str) for r in roots):
        raise BundleError(f"{source}/.manifest: roots must be a list of strings")
    if not isinstance(metadata, dict):
        raise BundleError(f"{source}/.manifest: metadata must be an object")

    clash = first_overlap([r.strip("/") for r in roots])
    if clash:
        raise BundleError(f"{source}/.manifest: roots {clash[0]!r} and {clash[1]!r} overlap")
    return Manifest(revision=revision, roots=tuple(r.strip("/") for r in roots), metadata=metadata)


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r}")
        out[key] = value
    return out


def parse_data_file(content: bytes, name: str) -> Any:
    """A data file's value: JSON (``.json``, a duplicate key refused) or YAML (the
    bundle's safe loader); ``BundleError`` naming ``name`` (and line:column) otherwise."""
    return _parse_json(content, name) if name.endswith(".json") else parse_yaml(content, name)


def _parse_json(content: bytes, name: str) -> Any:
    try:
        return json.loads(content, object_pairs_hook=_reject_duplicates)
    except json.JSONDecodeError as exc:
        raise BundleError(f"{name}:{exc.lineno}:{exc.colno}: {exc.msg}") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise BundleError(f"{name}: {exc}") from exc


def _place(data: dict[str, Any], parts: tuple[str, ...], value: Any, source: str, rel: str) -> None:
    if not parts:
        if not isinstance(value, dict):
            raise BundleError(f"{source}/{rel}: root data document must be an object")
        for key, sub in value.items():
            _place(data, (key,), sub, source, rel)
        return
    node = data
    for part in parts[:-1]:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise BundleError(f"{source}/{rel}: data path {'/'.join(parts)} crosses a value")
        node = child
    leaf = parts[-1]
    if leaf in node:
        existing = node[leaf]
        if isinstance(existing, dict) and isinstance(value, dict):
            overlap = sorted(set(existing) & set(value))
            if overlap:
                raise BundleError(
                    f"{source}/{rel}: data key {'/'.join(parts)}/{overlap[0]} defined twice"
                )
            existing.update(value)
            return
        raise BundleError(f"{source}/{rel}: data path {'/'.join(parts)} defined twice")
    node[leaf] = value


def _package_of(text: str) -> str:
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("package "):
            return stripped.split()[1]
    return ""


def _check_roots(
    manifest: Manifest, modules: dict[str, str], data: dict[str, Any], src: str
) -> None:
    roots = [r for r in manifest.roots if r]
    if not roots:
        return
    for rel, text in modules.items():
        pkg = _package_of(text).replace(".", "/")
        if not pkg:
            bom = " (it starts with a byte-order mark)" if text.startswith("\ufeff") else ""
            raise BundleError(f"{src}/{rel}: no `package` declaration{bom}")
        if not any(pkg == r or pkg.startswith(r + "/") for r in roots):
            raise BundleError(f"{src}/{rel}: package {pkg!r} is outside the manifest roots {roots}")
    for key in data:
        if not any(r == key or r.startswith(key + "/") or key.startswith(r + "/") for r in roots):
            raise BundleError(f"{src}: data key {key!r} is outside the manifest roots {roots}")
