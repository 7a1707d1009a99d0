"""Reading bundle files from a directory or a gzipped tar, safely.

A bundle archive comes from somewhere else (a URL, a CI artifact), so it is
treated as hostile: absolute paths, ``..`` components, links, devices, duplicate
entries and oversize content are refused before anything is used. Sizes are
bounded three ways: the archive file itself, the declared sizes of its
members, and the bytes actually decompressed (``_Capped``), so that a small
``.tar.gz`` that inflates into huge headers (a PAX or long-name record, which
``tarfile`` reads whole) stops once the limit is read, not after.
"""

from __future__ import annotations

import io
import os
import stat
import tarfile
from pathlib import Path, PurePosixPath
from typing import IO

from mlgate.errors import BundleError

MAX_BUNDLE_BYTES = 256 * 1024 * 1024
MAX_FILES = 20_000
_SKIP_DIRS = frozenset({".git", "__pycache__", ".venv", "node_modules"})
_BUNDLE_SUFFIXES = (".rego", ".json", ".yaml", ".yml")
_HEADER_ALLOWANCE = 1024  # per entry: a tar header block and padding
_CHUNK = 1024 * 1024


# Read beside the policies, so that the same bundle decides the same way as a
# directory and as an archive, under one digest: the principals who may sign
# approvals (``mlgate.approvals.principals``), at the bundle's root only.
PRINCIPALS_FILE = "principals.yaml"


def _wanted(rel: str) -> bool:
    if rel == PRINCIPALS_FILE:
        return True
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
        for name in dirnames:  # os.walk lists a linked directory but never enters it
            if Path(dirpath, name).is_symlink():
                raise BundleError(
                    f"{Path(dirpath, name)}: bundle directories may not be symbolic links "
                    "(its policies would be left out)"
                )
        for name in sorted(filenames):
            full = Path(dirpath, name)
            rel = full.relative_to(root).as_posix()
            if not _wanted(rel):
                continue
            if full.is_symlink():
                raise BundleError(f"{full}: bundle files may not be symbolic links")
            if not stat.S_ISREG(os.lstat(full).st_mode):  # a FIFO would block the read
                raise BundleError(f"{full}: refusing special file in bundle directory")
            total += full.stat().st_size
            if total > max_bytes:
                raise BundleError(f"{root}: bundle exceeds the {max_bytes // 2**20} MB limit")
            files[rel] = full.read_bytes()
    return files


def _safe_member_path(name: str, archive: str) -> str:
    if name.startswith("/") and not name.startswith("//"):
        name = name[1:]  # `opa build` names every member from the root: "/data.json"
    path = PurePosixPath(name)
    if path.is_absolute() or name.startswith(("/", "\\")):
        raise BundleError(f"{archive}: refusing absolute path {name!r} in bundle archive")
    parts = [p for p in path.parts if p not in ("", ".")]
    if ".." in parts:
        raise BundleError(f"{archive}: refusing path traversal {name!r} in bundle archive")
    return "/".join(parts)


class _TooBig(Exception):
    pass


class _Capped(io.RawIOBase):
    """A read-only stream that fails once more than ``cap`` bytes were read from it."""

    def __init__(self, inner: IO[bytes] | io.BufferedIOBase, cap: int) -> None:
        self._inner, self._cap, self.count = inner, cap, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        want = min(len(buffer), _CHUNK, self._cap - self.count + 1)
        data = self._inner.read(want)
        self.count += len(data)
        if self.count > self._cap:
            raise _TooBig
        buffer[: len(data)] = data
        return len(data)


def _decompressed(raw: IO[bytes]) -> IO[bytes] | io.BufferedIOBase:
    """The tar stream inside ``raw``: gzip, bzip2, xz or none, by magic number."""
    head = raw.read(6)
    raw.seek(0)
    if head.startswith(b"\x1f\x8b"):
        import gzip

        return gzip.GzipFile(fileobj=raw, mode="rb")
    if head.startswith(b"BZh"):
        import bz2

        return bz2.BZ2File(raw)
    if head.startswith(b"\xfd7zXZ\x00"):
        import lzma

        return lzma.LZMAFile(raw)
    return raw


def _too_big(archive: str, max_bytes: int) -> BundleError:
    return BundleError(f"{archive}: bundle exceeds the {max_bytes // 2**20} MB limit")


def read_tarball(path: Path, *, max_bytes: int = MAX_BUNDLE_BYTES) -> dict[str, bytes]:
    """Bundle files from a ``.tar.gz``: regular files only, each path checked."""
    archive = str(path)
    try:
        with open(path, "rb") as raw:
            if os.fstat(raw.fileno()).st_size > max_bytes:
                raise _too_big(archive, max_bytes)
            capped = _Capped(_decompressed(raw), max_bytes + _HEADER_ALLOWANCE * MAX_FILES)
            return _read_members(tarfile.open(fileobj=capped, mode="r|"), archive, max_bytes)
    except _TooBig:
        raise _too_big(archive, max_bytes) from None
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
        raise BundleError(f"{archive}: not a readable bundle archive ({exc})") from exc


def _read_members(tar: tarfile.TarFile, archive: str, max_bytes: int) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    seen: set[str] = set()
    total = 0
    with tar:
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
            if rel in seen:
                raise BundleError(f"{archive}: duplicate entry {member.name!r}")
            seen.add(rel)
            total += member.size
            if total > max_bytes:
                raise _too_big(archive, max_bytes)
            handle = tar.extractfile(member)
            content = handle.read(max_bytes + 1) if handle else b""
            if len(content) != member.size:
                raise BundleError(f"{archive}: entry {member.name!r} is truncated")
            if _wanted(rel):
                files[rel] = content
    return files
