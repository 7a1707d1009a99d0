"""The text a compliance reviewer reads for ``mlgate bundle diff``."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mlgate.authoring.diff import BundleChanges
    from mlgate.authoring.impact import ImpactReport

_TITLES = {
    "manifest": "Manifest",
    "modules": "Policy modules",
    "tests": "Test modules",
    "controls": "Controls",
    "thresholds": "Thresholds",
    "waivers": "Waivers",
    "data": "Other data",
}


def render_diff(changes: BundleChanges, impact: ImpactReport | None, skipped: list[str]) -> str:
    old, new = changes.old, changes.new
    lines = [
        f"OLD {old['source']} (revision {old['revision'] or '-'}, {old['digest'][:19]}…)",
        f"NEW {new['source']} (revision {new['revision'] or '-'}, {new['digest'][:19]}…)",
    ]
    if changes.empty:
        lines.append("no changes to rules, thresholds, waivers or data")
    for name, entries in changes.sections.items():
        if entries:
            lines += ["", f"{_TITLES[name]}:", *(f"  {e}" for e in entries)]
    if impact is not None:
        lines += ["", _impact_head(impact, skipped)]
        for item in impact.changed:
            lines.append(f"  {item.model} ({item.label}): {'; '.join(item.changes())}")
        if impact.invalid:
            lines += [
                "",
                f"Invalid facts ({len(impact.invalid)}; mlgate check refuses them under both "
                "bundles, so they are no change):",
            ]
            lines += [f"  {label}: {reason}" for label, reason in impact.invalid]
        if skipped:
            lines.append(f"Skipped {len(skipped)} logged decision(s) with masked facts.")
    return "\n".join(lines) + "\n"


def _impact_head(impact: ImpactReport, skipped: list[str]) -> str:
    if impact.identical:
        return "Impact: none: the two bundles are the same files (same digest); no facts evaluated"
    n = len(impact.changed)
    verdict = f"{n} change{'s' if n != 1 else ''} verdict" if n else "no model changes verdict"
    return f"Impact: {impact.evaluated} facts document(s) evaluated under both bundles; {verdict}:"
