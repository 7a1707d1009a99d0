"""``mlgate bundle build``: an OPA bundle archive from a policy directory.

The archive holds the directory's bundle files (``*.rego``, ``data.json`` /
``data.yaml`` / ``data.yml``) at their relative paths, a ``.manifest`` with
the revision, and, when a signing key is given, ``.signatures.json``. Before
anything is written the bundle must load (roots, data, duplicate keys) and
every module must parse. The archive is reproducible (sorted entries, zero
times and owners) and written whole or not at all.

The revision is ``--revision``, else ``git describe --always`` of the
directory (``-dirty`` when the directory has uncommitted changes), else the
source ``.manifest``'s. A source without a ``.manifest`` gets roots for its
top-level packages and data keys, so that bundles served side by side do not
claim all of ``data``.
"""

from __future__ import annotations

import gzip
import io
import json
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgate.bundles.archive import read_directory
from mlgate.bundles.entry import require_entry_point
from mlgate.bundles.model import Bundle
from mlgate.bundles.parse import bundle_from_files
from mlgate.bundles.reach import package_of
from mlgate.bundles.sign import SIGNATURES, SigningOptions, signatures_document
from mlgate.engine.syntax import require_parsable
from mlgate.errors import BundleError, UsageError
from mlgate.files import write_atomic

MANIFEST = ".manifest"


@dataclass(frozen=True)
class Built:
    files: dict[str, bytes]
    revision: str
    roots: tuple[str, ...]
    digest: str
    signed: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "revision": self.revision,
            "roots": list(self.roots),
            "digest": self.digest,
            "files": len(self.files),
            "signed": self.signed,
        }


def build_files(
    source: Path, *, revision: str | None = None, signing: SigningOptions | None = None
) -> Built:
    """The files of the bundle built from ``source`` (checked, optionally signed)."""

    files = read_directory(source)
    files.pop(SIGNATURES, None)  # a stale signature is never carried over
    manifest = _manifest(files.get(MANIFEST), str(source))
    if revision is not None:
        _check_revision(revision)
    manifest["revision"] = revision if revision is not None else _revision(source, manifest)
    infer = "roots" not in manifest
    files[MANIFEST] = _manifest_bytes(manifest)
    bundle = bundle_from_files(files, source=str(source))
    if infer:
        manifest["roots"] = _inferred_roots(bundle)
        files[MANIFEST] = _manifest_bytes(manifest)
        bundle = bundle_from_files(files, source=str(source))
    require_parsable({**bundle.modules, **bundle.test_modules}, str(source))
    _require_declared_entrypoints(bundle)
    if signing is not None:
        files[SIGNATURES] = signatures_document(files, signing)
    return Built(files, bundle.revision, bundle.manifest.roots, bundle.digest, signing is not None)


def _manifest_bytes(manifest: dict[str, Any]) -> bytes:
    return (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def archive_bytes(files: dict[str, bytes]) -> bytes:
    """A reproducible ``.tar.gz`` of ``files`` (sorted, mode 0644, time 0, owner 0)."""
    raw = io.BytesIO()
    with (
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz,
        tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar,
    ):
        for name in sorted(files):
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(files[name]), 0o644, 0
            tar.addfile(info, io.BytesIO(files[name]))
    return raw.getvalue()


def write_archive(files: dict[str, bytes], output: Path) -> int:
    """Write the archive via a temporary file and a rename; its size in bytes."""
    data = archive_bytes(files)
    write_atomic(output, data, what="the bundle")
    return len(data)


def _manifest(content: bytes | None, source: str) -> dict[str, Any]:
    if content is None:
        return {}
    try:
        value = json.loads(content)
    except ValueError as exc:
        raise BundleError(f"{source}/{MANIFEST}: not JSON ({exc})") from None
    if not isinstance(value, dict):
        raise BundleError(f"{source}/{MANIFEST}: must be a JSON object")
    return value


def _require_declared_entrypoints(bundle: Bundle) -> None:
    """Each ``entrypoint`` the manifest's metadata declares (``mlgate/decision``) is a rule."""

    declared = bundle.manifest.metadata.get("entrypoint")
    for entry in [declared] if isinstance(declared, str) else declared or []:
        if isinstance(entry, str) and entry.strip("/"):
            require_entry_point(bundle, "data." + entry.strip("/").replace("/", "."))


def _check_revision(revision: str) -> None:
    """A revision is one printable line: reports, the log and OPA's status show it."""

    if not revision.strip():
        raise UsageError(
            f"--revision {revision!r}: give a revision (leave the option out for git's)"
        )
    if revision != revision.strip():
        raise UsageError(f"--revision {revision!r}: give it without surrounding blanks")
    if not revision.isprintable():
        raise UsageError(f"--revision {revision!r}: control characters (a newline) are not allowed")


def _revision(source: Path, manifest: dict[str, Any]) -> str:
    found = git_revision(source)
    if found:
        return found
    existing = manifest.get("revision", "")
    return existing if isinstance(existing, str) else ""


def git_revision(directory: Path) -> str | None:
    """``git describe --always`` (plus ``-dirty`` for changes under ``directory``)."""
    git = shutil.which("git")
    if git is None:
        return None

    def run(*args: str) -> str | None:
        try:
            done = subprocess.run(
                [git, "-C", str(directory), *args],
                capture_output=True,
                text=True,
                check=False,
                timeout=30,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    described = run("describe", "--always", "--tags")
    if not described:
        return None
    changes = run("status", "--porcelain", "--untracked-files=normal", "--", ".")
    return f"{described}-dirty" if changes else described


def _inferred_roots(bundle: Bundle) -> list[str]:
    """The first segment of every package and every top-level data key."""
    roots = set(bundle.data)
    for text in (*bundle.modules.values(), *bundle.test_modules.values()):
        package = package_of(text)
        if package:
            roots.add(package.split(".")[0])
    return sorted(roots) or [""]
