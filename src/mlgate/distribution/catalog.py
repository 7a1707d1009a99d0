"""The bundles ``mlgate bundle serve`` publishes, re-read when their files change.

A path is a built archive (served byte for byte), a bundle source directory
(built in memory, signed when a signing key is given: ``<dir name>.tar.gz``),
or a directory of archives (each ``*.tar.gz`` in it). Every bundle must load;
with a verification key its signature must verify; with ``require_signed``
an unsigned bundle is refused; the manifest roots of all bundles must be
disjoint. ``current()`` looks for changes at most once a second and keeps
the last good set when a change fails a check (fail closed: a bundle that
does not pass is never served).
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgate.bundles.archive import read_tarball
from mlgate.bundles.parse import bundle_from_files
from mlgate.bundles.roots import check_disjoint
from mlgate.bundles.sign import SIGNATURES, SigningOptions
from mlgate.bundles.trusted import Verification
from mlgate.bundles.verify import verify_files
from mlgate.distribution.build import archive_bytes, build_files
from mlgate.errors import BundleError, MlgateError

_SKIP = frozenset({".git", "__pycache__", ".venv", "node_modules"})


@dataclass(frozen=True)
class Published:
    name: str
    body: bytes
    etag: str
    revision: str
    roots: tuple[str, ...]
    signed: bool
    origin: str

    def summary(self) -> dict[str, Any]:
        return {
            "etag": self.etag,
            "revision": self.revision,
            "roots": list(self.roots),
            "signed": self.signed,
            "bytes": len(self.body),
        }


class Catalog:
    def __init__(
        self,
        paths: list[Path],
        *,
        signing: SigningOptions | None = None,
        verification: Verification | None = None,
        require_signed: bool = False,
    ) -> None:
        self.paths, self.signing, self.verification = paths, signing, verification
        self.require_signed = require_signed
        self._lock = threading.Lock()
        self._bundles: dict[str, Published] = {}
        self._fingerprint: tuple[Any, ...] = ()
        self._checked = 0.0
        self._last_error = ""

    def load(self) -> dict[str, Published]:
        """Read every path now; ``BundleError`` (nothing changes) when one fails."""
        with self._lock:
            fingerprint = self._stat()
            self._bundles = self._read()
            self._fingerprint, self._checked = fingerprint, time.monotonic()
            return self._bundles

    def current(self) -> dict[str, Published]:
        with self._lock:
            if time.monotonic() - self._checked < 1.0:
                return self._bundles
            self._checked = time.monotonic()
            fingerprint = self._stat()
            if fingerprint == self._fingerprint:
                return self._bundles
            try:
                self._bundles, self._fingerprint = self._read(), fingerprint
                self._last_error = ""
            except MlgateError as exc:
                if exc.message != self._last_error:
                    print(
                        f"mlgate: still serving the last good bundles: {exc.message}",
                        file=sys.stderr,
                    )
                self._last_error = exc.message
            return self._bundles

    def _read(self) -> dict[str, Published]:

        found: dict[str, Published] = {}
        for path in self.paths:
            for item in self._publish(path):
                if item.name in found:
                    raise BundleError(f"{item.origin}: a second bundle named {item.name}")
                found[item.name] = item
        check_disjoint((b.origin, b.roots) for b in found.values())
        return found

    def _publish(self, path: Path) -> list[Published]:
        if path.is_file():
            return [self._archive(path)]
        if not path.is_dir():
            raise BundleError(f"{path}: no such bundle archive or directory")
        if any(path.rglob("*.rego")):
            return [self._source(path)]
        archives = sorted(path.glob("*.tar.gz"))
        if not archives:
            raise BundleError(f"{path}: neither a bundle source nor a directory of *.tar.gz")
        return [self._archive(a) for a in archives]

    def _archive(self, path: Path) -> Published:
        try:
            body = path.read_bytes()
        except OSError as exc:
            raise BundleError(f"{path}: cannot read ({exc.strerror})") from None
        return self._checked_bundle(path.name, body, read_tarball(path), str(path))

    def _source(self, path: Path) -> Published:

        built = build_files(path, signing=self.signing)
        name = f"{path.resolve().name}.tar.gz"
        return self._checked_bundle(name, archive_bytes(built.files), built.files, str(path))

    def _checked_bundle(
        self, name: str, body: bytes, files: dict[str, bytes], origin: str
    ) -> Published:
        bundle = bundle_from_files(files, source=origin)
        signed = SIGNATURES in files
        if self.require_signed and not signed:
            raise BundleError(f"{origin}: not signed, and the service serves signed bundles only")
        if self.verification is not None:
            v = self.verification
            verify_files(files, v.key, source=origin, key_id=v.key_id, scope=v.scope)
        etag = '"' + hashlib.sha256(body).hexdigest() + '"'
        return Published(name, body, etag, bundle.revision, bundle.manifest.roots, signed, origin)

    def _stat(self) -> tuple[Any, ...]:
        entries: list[tuple[str, int, int]] = []
        for root in self.paths:
            if root.is_file():
                st = root.stat()
                entries.append((str(root), st.st_mtime_ns, st.st_size))
                continue
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames[:] = sorted(d for d in dirnames if d not in _SKIP)
                for name in sorted(filenames):
                    try:
                        st = os.stat(os.path.join(dirpath, name))
                    except OSError:
                        continue
                    entries.append((os.path.join(dirpath, name), st.st_mtime_ns, st.st_size))
        return tuple(entries)
