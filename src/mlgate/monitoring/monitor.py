"""The library entry points behind ``mlgate monitor`` and ``mlgate compare``.

``monitor``: load the model's facts, compute the ``monitoring`` section from
series, baselines, champion series and drift reports over the trailing window
ending at the evaluation time, validate the whole document, evaluate
``data.mlgate.monitoring.decision``.

``compare``: load a champion's and a challenger's facts, pair their
canonical metrics (``canary.metric_pairs``), evaluate
``data.mlgate.monitoring.comparison.decision`` with the challenger as subject.

Both return a ``gate.Checked`` (the decision and what it was made from) or
raise one ``MlgateError``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.bundles.entry import require_entry_point
from mlgate.bundles.load import load_bundle
from mlgate.decisions.evaluate import check_evaluation_time
from mlgate.decisions.model import Checked
from mlgate.engine.select import EngineOptions, open_engine
from mlgate.errors import BundleError, FactsValidationError, InputError, UsageError
from mlgate.facts.adapters.base import AdapterOptions
from mlgate.facts.document import load_facts
from mlgate.facts.validate import validate
from mlgate.monitoring.build import build_section
from mlgate.monitoring.canary import metric_pairs
from mlgate.monitoring.decide import COMPARISON_QUERY, MONITORING_QUERY, decide_monitoring
from mlgate.monitoring.specs import Settings
from mlgate.resources import bundle_dir
from mlgate.times import format_ns, now_ns

if TYPE_CHECKING:
    from mlgate.bundles.model import Bundle
    from mlgate.decisions.model import Checked
    from mlgate.engine.select import EngineOptions
    from mlgate.monitoring.build import Inputs


def evaluation_time(evaluated_at: str | None) -> tuple[str, int]:
    """``--at`` (RFC 3339) or now, as text and as nanoseconds."""

    ns_at = check_evaluation_time(evaluated_at)
    if evaluated_at is None or ns_at is None:
        ns = now_ns() // 1_000_000_000 * 1_000_000_000
        return format_ns(ns), ns
    return evaluated_at, ns_at


MAX_WINDOW_DAYS = 366.0


def _sound_window(days: float) -> bool:
    return math.isfinite(days) and 0 < days <= MAX_WINDOW_DAYS


def monitor(
    facts_paths: Sequence[str | Path],
    inputs: Inputs,
    *,
    bundle_location: str | Path | None = None,
    engine: EngineOptions | None = None,
    evaluated_at: str | None = None,
    window_days: float | None = None,
) -> Checked:

    if window_days is not None and not _sound_window(window_days):
        raise UsageError(
            f"--window-days {window_days:g}: the window must be longer than 0 days and at "
            f"most {MAX_WINDOW_DAYS:g}"
        )
    at, at_ns = evaluation_time(evaluated_at)
    facts = load_facts(facts_paths)
    bundle = _bundle(bundle_location, MONITORING_QUERY)
    tier = (facts.document.get("subject") or {}).get("risk_tier")
    settings = Settings.from_bundle(bundle.data, tier, window_days)
    if not _sound_window(settings.window_days):
        raise BundleError(
            f"{bundle.source}: monitoring thresholds[{tier}].window.days is "
            f"{settings.window_days:g}; it must be above 0 and at most {MAX_WINDOW_DAYS:g}"
        )
    section = build_section(inputs, end_ns=at_ns, settings=settings, options=AdapterOptions())
    document = _with_section(facts.document, section)
    return _decide(
        document, bundle, MONITORING_QUERY, engine, at, (*facts.warnings, *inputs.warnings)
    )


def compare(
    champion: str | Path,
    challenger: str | Path,
    *,
    bundle_location: str | Path | None = None,
    engine: EngineOptions | None = None,
    evaluated_at: str | None = None,
) -> Checked:

    at, _ = evaluation_time(evaluated_at)
    old, new = load_facts([champion]).document, load_facts([challenger]).document
    warnings: list[str] = []
    pairs = metric_pairs(old, new, warnings)
    old_tier, new_tier = _tier(old), _tier(new)
    if old_tier != new_tier:
        warnings.append(
            f"the champion is {old_tier} tier, the challenger {new_tier}: the "
            "challenger's tier chooses the margins"
        )
    identity = ("name", "version", "risk_tier")
    canary = {
        "champion": {k: v for k, v in old["subject"].items() if k in identity},
        "challenger": {k: v for k, v in new["subject"].items() if k in identity},
        "metrics": pairs,
    }
    document = {
        "apiVersion": new["apiVersion"],
        "kind": new["kind"],
        "subject": new["subject"],
        "monitoring": {"canary": canary},
        "context": {k: v for k, v in (new.get("context") or {}).items() if k != "evaluated_at"},
    }
    bundle = _bundle(bundle_location, COMPARISON_QUERY)
    return _decide(document, bundle, COMPARISON_QUERY, engine, at, tuple(warnings))


def _tier(doc: dict[str, Any]) -> str:
    tier = (doc.get("subject") or {}).get("risk_tier")
    return tier if isinstance(tier, str) else "an unknown"


def _bundle(location: str | Path | None, query: str) -> Bundle:

    bundle = load_bundle(location or bundle_dir())
    require_entry_point(bundle, query)
    return bundle


def _with_section(doc: dict[str, Any], computed: dict[str, Any]) -> dict[str, Any]:
    """The facts with the computed section merged into their own ``monitoring`` (if any)."""
    given = doc.get("monitoring") or {}
    merged = {**given, **{k: v for k, v in computed.items() if k not in ("signals", "drift")}}
    for key in ("window", "canary"):
        if key in given and key in computed and given[key] != computed[key]:
            raise InputError(f"the facts already hold monitoring.{key}; it is also computed here")
    for key in ("signals", "drift"):
        if key in given or key in computed:
            merged[key] = [*given.get(key, []), *computed.get(key, [])]
    names = [s.get("name") for s in merged.get("signals", [])]
    twice = sorted({n for n in names if names.count(n) > 1 and isinstance(n, str)})
    if twice:
        raise InputError(f"the signal {twice[0]} is given twice (in the facts and with --series)")
    return {**doc, "monitoring": merged} if merged else doc


def _decide(
    document: dict[str, Any],
    bundle: Bundle,
    query: str,
    options: EngineOptions | None,
    at: str,
    warnings: tuple[str, ...],
) -> Checked:

    report = validate(document)
    if report.errors:
        n = len(report.errors)
        raise FactsValidationError(f"the monitoring facts: {n} problem(s)", details=report.lines())
    opened = open_engine(bundle, options or EngineOptions())
    try:
        decision = decide_monitoring(
            document, bundle, opened, query=query, evaluated_at=at, warnings=warnings
        )
    finally:
        opened.close()
    return Checked(decision, document, bundle)
