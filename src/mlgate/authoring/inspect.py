"""``mlgate bundle inspect``: what a bundle is and what it asks of the facts.

Everything comes from the files, statically (METADATA via ``bundles.metadata``
and ``bundles.controls``; nothing is evaluated): revision, roots, digest,
signature, packages, controls and their rules, thresholds per risk tier,
waivers, and the facts the bundle needs (each METADATA ``custom.requires``
pointer with the controls that read it).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from mlgate.bundles.controls import controls_of
from mlgate.bundles.metadata import read_annotations
from mlgate.bundles.reach import package_of, reachable_packages
from mlgate.bundles.sign import SIGNATURES
from mlgate.bundles.thresholds import tiers_at

if TYPE_CHECKING:
    from mlgate.bundles.model import Bundle
    from mlgate.bundles.source import BundleFiles


def thresholds_of(bundle: Bundle) -> dict[str, Any]:
    """``data.mlgate.thresholds``: tier name → that tier's thresholds."""
    return tiers_at(bundle)


def waivers_of(bundle: Bundle) -> list[Any]:
    gate = bundle.data.get("mlgate")
    found = gate.get("waivers") if isinstance(gate, dict) else None
    return found if isinstance(found, list) else []


def required_facts(bundle: Bundle, entry_point: str | None = None) -> dict[str, list[str]]:
    """Facts pointer → the control ids whose rules need it, sorted by pointer; with
    ``entry_point``, only the rules of the packages that decision reaches."""
    needs: dict[str, set[str]] = {}
    reached = reachable_packages(bundle.modules, entry_point) if entry_point else None
    for a in read_annotations(bundle.modules):
        if reached is not None and a.package not in reached:
            continue
        for pointer in a.requires:
            needs.setdefault(pointer, set()).update([a.control_id] if a.control_id else [])
    return {p: sorted(needs[p]) for p in sorted(needs)}


def describe(bundle: Bundle, files: BundleFiles | None = None) -> dict[str, Any]:
    annotations = read_annotations(bundle.modules)
    packages = sorted({p for p in map(package_of, bundle.modules.values()) if p})
    return {
        "source": bundle.source,
        "revision": bundle.revision,
        "roots": list(bundle.manifest.roots),
        "digest": bundle.digest,
        "signed": bool(files and SIGNATURES in files.files),  # present; verify checks it
        "metadata": bundle.manifest.metadata,
        "packages": packages,
        "modules": len(bundle.modules),
        "test_modules": len(bundle.test_modules),
        "controls": [c.to_json() for c in controls_of(annotations)],
        "rules": [
            {
                "package": a.package,
                "rule": a.rule,
                "file": a.file,
                "line": a.line,
                "title": a.title,
                "control_id": a.control_id,
                "severity": a.severity,
                "frameworks": a.frameworks,
            }
            for a in annotations
            if a.scope == "rule"
        ],
        "thresholds": thresholds_of(bundle),
        "waivers": waivers_of(bundle),
        "required_facts": required_facts(bundle),
    }


def render_text(info: dict[str, Any]) -> str:
    lines = [
        f"bundle    {info['source']}",
        f"revision  {info['revision'] or '(none)'}",
        f"roots     {', '.join(r or '(all of data)' for r in info['roots'])}",
        f"digest    {info['digest']}",
        "signed    "
        + (
            "has .signatures.json (not verified here: mlgate bundle verify checks it)"
            if info["signed"]
            else "no"
        ),
        f"modules   {info['modules']} policy, {info['test_modules']} test",
        "",
        f"packages ({len(info['packages'])}):",
        *(f"  {p}" for p in info["packages"]),
        "",
        f"controls ({len(info['controls'])}):",
    ]
    for c in info["controls"]:
        refs = "; ".join(f"{k}: {', '.join(v)}" for k, v in sorted(c["frameworks"].items()))
        where = ", ".join(f"{r['file']}:{r['line']}" for r in c["rules"])
        lines.append(f"  {c['id']:<14} {c['severity'] or '-':<8} {c['title']}")
        lines.append(f"  {'':<14} rules: {where}")
        if refs:
            lines.append(f"  {'':<14} frameworks: {refs}")
    lines += ["", f"thresholds ({len(info['thresholds'])} tiers):"]
    for tier, values in info["thresholds"].items():
        lines.append(f"  {tier}:")
        lines += (
            [f"    {k}: {_flat(v)}" for k, v in values.items()]
            if isinstance(values, dict)
            else [f"    {_flat(values)}"]
        )
    lines += ["", f"waivers: {len(info['waivers'])}", "", "facts the bundle needs:"]
    for pointer, controls in info["required_facts"].items():
        lines.append(f"  {pointer:<34} {', '.join(controls)}")
    return "\n".join(lines) + "\n"


def _flat(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
