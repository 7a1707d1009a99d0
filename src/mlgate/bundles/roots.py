"""Manifest roots: OPA refuses roots that overlap, in one manifest or across bundles.

A root is a ``/``-separated data path (``mlgate``, ``mlgate/thresholds``);
``""`` is the whole of ``data``. Two roots overlap when one is a path prefix
of the other, segment by segment (OPA's ``RootPathsOverlap``): two bundles
with overlapping roots could overwrite each other's policies and data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from mlgate.errors import BundleError


def overlap(a: str, b: str) -> bool:
    left = [p for p in a.strip("/").split("/") if p]
    right = [p for p in b.strip("/").split("/") if p]
    shorter = min(len(left), len(right))
    return left[:shorter] == right[:shorter]


def first_overlap(roots: Sequence[str]) -> tuple[str, str] | None:
    for i, a in enumerate(roots):
        for b in roots[i + 1 :]:
            if overlap(a, b):
                return a, b
    return None


def check_disjoint(bundles: Iterable[tuple[str, Sequence[str]]]) -> None:
    """Refuse bundles (``(name, roots)``) whose roots overlap another bundle's."""
    seen: list[tuple[str, str]] = []
    for name, roots in bundles:
        for root in roots:
            for other_name, other in seen:
                if overlap(root, other):
                    raise BundleError(
                        f"{name}: manifest root {root or '(all of data)'!r} overlaps root "
                        f"{other or '(all of data)'!r} of bundle {other_name}; "
                        "OPA cannot activate both"
                    )
        seen.extend((name, r) for r in roots)
