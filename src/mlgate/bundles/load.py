"""Load a policy bundle (directory or ``.tar.gz``) into a ``Bundle``.

Follows OPA's bundle format: ``.rego`` files anywhere; ``data.json`` /
``data.yaml`` files whose directory is their data path; an optional
``.manifest`` (JSON) with ``revision``, ``roots`` and ``metadata``.
"""

from __future__ import annotations

from pathlib import Path

from mlgate.bundles.model import Bundle
from mlgate.bundles.source import read_files


def load_bundle(location: str | Path) -> Bundle:
    """Read a bundle from a directory, a gzipped tar archive or an https:// URL (cached by
    ETag, size-limited: ``bundles.remote``)."""
    return read_files(location).bundle()
