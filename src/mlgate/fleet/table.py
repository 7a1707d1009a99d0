"""The change table of a re-certification (its progress bar: ``cli.progress``)."""

from __future__ import annotations

import json

from mlgate.fleet.recertify import Summary

_ORDER = ("worse", "error", "changed", "better", "new", "unchanged")


def render_text(summary: Summary) -> str:
    """One row per model whose verdict changed (or errored, or is new), then the totals.
    A row says what changed besides the outcome: ``violations +MLG-PERF-001``."""
    rows = sorted(summary.changes, key=lambda c: (_ORDER.index(c.kind), c.label))
    lines = []
    if rows:
        width = max(len(_model(c.name, c.version, c.label)) for c in rows)
        lines.append(f"{'MODEL':<{width}}  {'BEFORE':<21}  {'AFTER':<21}  CHANGE")
        for c in rows:
            after = c.after or f"error: {c.error}"
            model = _model(c.name, c.version, c.label)
            what = f"{c.kind}  {'; '.join(c.differences)}" if c.differences else c.kind
            lines.append(f"{model:<{width}}  {c.before or '-':<21}  {after:<21}  {what}")
    counts = ", ".join(f"{summary.counts.get(k, 0)} {k}" for k in _ORDER)
    lines.append(
        f"{summary.total} model(s) re-evaluated under bundle {summary.bundle_revision or '-'} "
        f"(before: {summary.compared_with}): {counts}"
    )
    return "\n".join(lines) + "\n"


def render_json(summary: Summary) -> str:
    doc = {
        "bundle_revision": summary.bundle_revision,
        "compared_with": summary.compared_with,
        "total": summary.total,
        "counts": {k: summary.counts.get(k, 0) for k in _ORDER},
        "outcomes": dict(sorted(summary.outcomes.items())),
        "changes": [
            {
                "model": c.name,
                "version": c.version,
                "source": c.label,
                "before": c.before,
                "after": c.after,
                "change": c.kind,
                "differences": c.differences,
                **({"error": c.error} if c.error else {}),
            }
            for c in summary.changes
        ],
    }
    return json.dumps(doc, indent=2) + "\n"


def _model(name: str | None, version: str | None, label: str) -> str:
    return f"{name} {version}" if name else label
