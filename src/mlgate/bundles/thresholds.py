"""Where a package's thresholds live: the nearest ``thresholds`` document above it.

The release controls (``mlgate.controls.*``) read ``data.mlgate.thresholds``;
the monitoring controls (``mlgate.monitoring.controls.*``) and the monitoring
decision read ``data.mlgate.monitoring.thresholds``. Walking up from a package
to the first ``<prefix>.thresholds`` that is an object finds either, and a user
bundle that keeps one thresholds document for everything gets that one.
Each thresholds document maps a risk tier to that tier's values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mlgate.bundles.model import Bundle

THRESHOLDS = ("mlgate", "thresholds")


def data_at(bundle: Bundle, path: tuple[str, ...]) -> Any:
    node: Any = bundle.data
    for part in path:
        node = node.get(part) if isinstance(node, dict) else None
    return node


def thresholds_root(bundle: Bundle, package: str) -> tuple[str, ...]:
    """The data path of the thresholds ``package`` reads (``data.`` left off)."""
    parts = tuple(p for p in package.split(".") if p)
    for n in range(len(parts), 0, -1):
        if isinstance(data_at(bundle, (*parts[:n], "thresholds")), dict):
            return (*parts[:n], "thresholds")
    return THRESHOLDS


def tiers_at(bundle: Bundle, root: tuple[str, ...] = THRESHOLDS) -> dict[str, Any]:
    """Tier name → that tier's thresholds, at ``root``; {} when there is none."""
    found = data_at(bundle, root)
    return found if isinstance(found, dict) else {}
