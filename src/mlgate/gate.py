"""The library entry point behind ``mlgate check``.

``check`` loads the bundle, loads and validates the facts, opens the engine,
evaluates, and closes the engine: one call, one ``Checked`` (the decision with
the facts and bundle it was made from) or one ``MlgateError``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.bundles.overlay import apply_overlays
from mlgate.bundles.reach import entry_package, package_of
from mlgate.bundles.trusted import open_bundle
from mlgate.engine.base import DECISION_QUERY
from mlgate.errors import BundleError

if TYPE_CHECKING:
    from mlgate.bundles.catalog import Verification
    from mlgate.bundles.model import Bundle
    from mlgate.decisions.model import Decision
    from mlgate.engine.select import EngineOptions


@dataclass(frozen=True)
class Checked:
    """A decision and exactly what it was made from (read once, reused by reports)."""

    decision: Decision
    facts: dict[str, Any]
    bundle: Bundle


def _rule_pattern(name: str) -> re.Pattern[str]:
    return re.compile(
        rf"^\s*(default\s+)?{re.escape(name)}\s*(:=|=|if\b|contains\b|\{{)", re.MULTILINE
    )


def default_bundle() -> Path:
    from mlgate.resources import bundle_dir

    return bundle_dir()


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


def check(
    facts_paths: Sequence[str | Path],
    *,
    bundle_location: str | Path | None = None,
    engine: EngineOptions | None = None,
    evaluated_at: str | None = None,
    amend: Callable[[dict[str, Any], Bundle], dict[str, Any]] | None = None,
    verification: Verification | None = None,
    data: Sequence[str | Path] = (),
) -> Checked:
    """Decide on the facts in ``facts_paths`` (merged) with the bundle given.

    ``amend`` (optional) returns the facts document to evaluate from the loaded
    one and the bundle: ``mlgate check`` uses it to put the verified approvals
    from the decision log into ``approvals``. With ``verification`` the bundle must
    carry a signature that key verifies, else nothing is decided. ``data``: files
    merged over the bundle's data (``check --data``, ``bundles.overlay``).
    """
    from mlgate.decisions.evaluate import decide
    from mlgate.engine.select import EngineOptions, open_engine, resolve_name
    from mlgate.facts.document import load_facts

    options = engine or EngineOptions()
    bundle = apply_overlays(open_bundle(bundle_location or default_bundle(), verification), data)
    require_entry_point(bundle)
    # The embedded engine changes nothing outside this process, so it opens first:
    # its worker loads the bundle while this process reads the facts. An OPA
    # engine is opened (the bundle pushed) only once the facts are known good.
    opened = open_engine(bundle, options) if resolve_name(options) == "embedded" else None
    try:
        facts = load_facts(facts_paths)
        document = amend(facts.document, bundle) if amend else facts.document
        if opened is None:
            opened = open_engine(bundle, options)
        decision = decide(
            document, bundle, opened, evaluated_at=evaluated_at, warnings=facts.warnings
        )
    finally:
        if opened is not None:
            opened.close()
    return Checked(decision, document, bundle)
