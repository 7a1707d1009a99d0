"""The bundle's entry point: the rule a decision asks for (``data.mlgate.decision``).

A bundle that does not define the rule its query names is refused when it is
loaded for a decision, a push or a build, never discovered as an undefined
decision at evaluation time.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from mlgate.bundles.reach import entry_package, package_of
from mlgate.errors import BundleError

if TYPE_CHECKING:
    from mlgate.bundles.model import Bundle

DECISION_QUERY = "data.mlgate.decision"


def _rule_pattern(name: str) -> re.Pattern[str]:
    return re.compile(
        rf"^\s*(default\s+)?{re.escape(name)}\s*(:=|=|if\b|contains\b|\{{)", re.MULTILINE
    )


def require_entry_point(bundle: Bundle, query: str = DECISION_QUERY) -> None:
    """Refuse a bundle that defines no rule ``query`` names in its package
    (``data.mlgate.decision``; ``data.mlgate.monitoring.decision`` for ``monitor``)."""
    package, rule = entry_package(query), query.rsplit(".", 1)[-1]
    pattern = _rule_pattern(rule)
    for text in bundle.modules.values():
        if package_of(text) == package and pattern.search(text):
            return
    raise BundleError(
        f"{bundle.source}: no {rule} entry point: define `{rule}` in `package {package}` "
        f"(no {query})"
    )
