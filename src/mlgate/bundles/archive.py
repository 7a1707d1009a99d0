"""Reading bundle files from a directory or a gzipped tar, safely.

A bundle archive comes from somewhere else (a URL, a CI artifact), so it is
treated as hostile: absolute paths, ``..`` components, links, devices, duplicate
entries and oversize content are refused before anything is used.
"""

from __future__ import annotations

import os
import tarfile
from pathlib import Path, PurePosixPath

from mlgate.errors import BundleError

MAX_BUNDLE_BYTES = 256 * 1024 * 1024
MAX_FILES = 20_000
_SKIP_DIRS = frozenset({".git", "__pycache__", ".venv", "node_modules"})
_BUNDLE_SUFFIXES = (".rego", ".json", ".yaml", ".yml")


def _wanted(rel: str) -> bool:
    name = PurePosixPath(rel).name
    return name in (".manifest", ".signatures.json") or (
        name.endswith(_BUNDLE_SUFFIXES) and (name.endswith(".rego") or name.startswith("data."))
    )


def read_directory(root: Path, *, max_bytes: int = MAX_BUNDLE_BYTES) -> dict[str, bytes]:
    """Bundle files under ``root`` keyed by their POSIX path relative to it."""
    if not root.is_dir():
        raise BundleError(f"{root}: bundle directory not found")
    files: dict[str, bytes] = {}
    total = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        for name in sorted(filenames):
            full = Path(dirpath, name)
            rel = full.relative_to(root).as_posix()
            if not _wanted(rel):
                continue
            if full.is_symlink():
                raise BundleError(f"{full}: bundle files may not be symbolic links")
            total += full.stat().st_size
            if total > max_bytes:
                raise BundleError(f"{root}: bundle exceeds the {max_bytes // 2**20} MB limit")
            files[rel] = full.read_bytes()
    return files


def _safe_member_path(name: str, archive: str) -> str:
    path = PurePosixPath(name)
    if path.is_absolute() or name.startswith(("/", "\\")):
        raise BundleError(f"{archive}: refusing absolute path {name!r} in bundle archive")
    parts = [p for p in path.parts if p not in ("", ".")]
    if ".." in parts:
        raise BundleError(f"{archive}: refusing path traversal {name!r} in bundle archive")
    return "/".join(parts)


def read_tarball(path: Path, *, max_bytes: int = MAX_BUNDLE_BYTES) -> dict[str, bytes]:
    """Bundle files from a ``.tar.gz``: regular files only, each path checked."""
    archive = str(path)
    files: dict[str, bytes] = {}
    total = 0
    try:
        with tarfile.open(path, mode="r:*") as tar:
            for count, member in enumerate(tar, start=1):
                if count > MAX_FILES:
                    raise BundleError(f"{archive}: more than {MAX_FILES} entries")
                rel = _safe_member_path(member.name, archive)
                if member.isdir():
                    continue
                if member.issym() or member.islnk():
                    raise BundleError(f"{archive}: refusing link {member.name!r} in bundle archive")
                if not member.isfile():
                    raise BundleError(f"{archive}: refusing special file {member.name!r}")
                if rel in files:
                    raise BundleError(f"{archive}: duplicate entry {member.name!r}")
                total += member.size
                if total > max_bytes:
                    raise BundleError(
                        f"{archive}: bundle exceeds the {max_bytes // 2**20} MB limit"
                    )
                handle = tar.extractfile(member)
                content = handle.read(max_bytes + 1) if handle else b""
                if len(content) != member.size:
                    raise BundleError(f"{archive}: entry {member.name!r} is truncated")
                if _wanted(rel):
                    files[rel] = content
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
        raise BundleError(f"{archive}: not a readable bundle archive ({exc})") from exc
    return files
