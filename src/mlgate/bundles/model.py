"""The in-memory policy bundle every engine loads.

A bundle is what OPA's bundle format describes: Rego modules, data documents at
the paths given by their directories, and a ``.manifest`` with ``revision`` and
``roots``. Test modules (``*_test.rego``) are kept apart: engines evaluate
``modules`` only; ``mlgate bundle test`` runs ``test_modules``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Manifest:
    revision: str = ""
    roots: tuple[str, ...] = ("",)
    metadata: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"revision": self.revision, "roots": list(self.roots), "metadata": self.metadata}


@dataclass(frozen=True)
class Bundle:
    """A loaded bundle.

    ``modules`` maps a bundle-relative path (``mlgate/controls/fairness.rego``)
    to its source. ``data`` is the merged data document (``data.json`` /
    ``data.yaml`` files placed at their directory paths). ``digest`` is the
    sha256 over the bundle's files (see ``bundles.digest``).
    """

    source: str
    manifest: Manifest
    modules: dict[str, str]
    data: dict[str, Any]
    digest: str
    test_modules: dict[str, str] = field(default_factory=dict)
    # The bundle's own principals file (``principals.yaml`` at its root), raw; the
    # digest covers it, so the principals who may sign travel with the rules.
    principals: bytes | None = None
    # ``check --data`` (``bundles.overlay``): the data files merged over ``data``; then
    # ``digest`` covers them too and ``files_digest`` is the files' own.
    overlays: tuple[dict[str, Any], ...] = ()
    files_digest: str = ""

    @property
    def revision(self) -> str:
        return self.manifest.revision

    def to_json(self) -> dict[str, Any]:
        """The ``bundle`` block of a decision."""
        block: dict[str, Any] = {
            "revision": self.revision,
            "digest": self.digest,
            "source": self.source,
        }
        if self.overlays:
            block |= {"files_digest": self.files_digest, "data_overlays": list(self.overlays)}
        return block
