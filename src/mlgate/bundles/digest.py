"""The bundle digest: one sha256 over every file of the bundle.

The digest is the same whether the bundle was read from a directory or from a
tar.gz of that directory: it hashes the sorted list of ``path`` and the sha256
of each file's bytes, not the archive bytes. ``.signatures.json`` is left out
(a signature is over the files, not part of them).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

EXCLUDED = frozenset({".signatures.json"})


def file_digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def bundle_digest(files: Mapping[str, bytes]) -> str:
    """``sha256:<hex>`` over ``path\\0sha256(content)\\n`` for every file, sorted by path."""
    h = hashlib.sha256()
    for path in sorted(files):
        if path in EXCLUDED:
            continue
        h.update(path.encode("utf-8"))
        h.update(b"\0")
        h.update(file_digest(files[path]).encode("ascii"))
        h.update(b"\n")
    return "sha256:" + h.hexdigest()
