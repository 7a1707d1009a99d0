"""A bundle's raw files from wherever it lives: a directory, a ``.tar.gz`` or a URL.

``load_bundle`` gives the parsed ``Bundle``; the ``mlgate bundle`` commands also
need the files themselves (``.signatures.json``, byte-exact data files), so
they read them here and parse them with ``bundle_from_files``.
"""

from __future__ import annotations

import tarfile
from dataclasses import dataclass, field
from pathlib import Path

from mlgate.bundles.archive import MAX_BUNDLE_BYTES, read_directory, read_tarball
from mlgate.bundles.model import Bundle
from mlgate.bundles.parse import bundle_from_files
from mlgate.bundles.remote import fetch, is_url, redact
from mlgate.errors import BundleError


@dataclass(frozen=True)
class BundleFiles:
    source: str
    files: dict[str, bytes]
    is_archive: bool
    unread: tuple[str, ...] = field(default=())  # archive entries that are no bundle file

    def bundle(self) -> Bundle:
        return bundle_from_files(self.files, source=self.source)


def read_files(location: str | Path, *, max_bytes: int = MAX_BUNDLE_BYTES) -> BundleFiles:
    """The bundle files at ``location``; a ``BundleError`` if there is no bundle."""
    text = str(location)

    if is_url(text):
        archive, _ = fetch(text, max_bytes=max_bytes)
        files = read_tarball(archive, max_bytes=max_bytes)
        return BundleFiles(redact(text), files, True, _unread(archive, files))
    path = Path(location)
    if path.is_dir():
        return BundleFiles(text, read_directory(path, max_bytes=max_bytes), False)
    if path.is_file():
        files = read_tarball(path, max_bytes=max_bytes)
        return BundleFiles(text, files, True, _unread(path, files))
    raise BundleError(f"{location}: no such bundle directory, archive or URL")


def load(location: str | Path) -> tuple[Bundle, BundleFiles]:
    read = read_files(location)
    return read.bundle(), read


def _unread(archive: Path, files: dict[str, bytes]) -> tuple[str, ...]:
    """Regular files in the archive that the bundle reader skipped (OPA would read them)."""
    try:
        with tarfile.open(archive, mode="r:*") as tar:
            names = [_normal(m.name) for m in tar if m.isfile()]
    except (tarfile.TarError, OSError, EOFError):
        return ()
    return tuple(sorted(n for n in names if n not in files))


def _normal(name: str) -> str:
    return "/".join(p for p in name.split("/") if p not in ("", "."))
