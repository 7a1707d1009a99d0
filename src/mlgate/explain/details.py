"""The ``details`` block a decision carries for the reports people read.

The policy's part of a decision says what failed; a report also needs what
passed, against which threshold, with which number and from which file. At
``check`` time mlgate has the facts and the bundle, so it adds (all optional
for a reader; a decision without ``details`` still renders)::

    details:
      version: 1
      enforced: true|false          # --no-enforce: reported, not enforced
      tier, thresholds_path         # data.mlgate.thresholds.<tier>
      controls: [{id, title, description, severity, family, family_title,
                  status, rules: [{rule, file, line}], requires, frameworks,
                  thresholds: [{path, data_path, value}], help_uri?}]
      measures: [{control, kind, name, value, threshold, comparison,
                  threshold_path, pointer, failed, groups?}]
      evidence: {sources, digests, approvals, vulnerabilities, newest_collected_at}
      locations: {pointer: {file, line}}     # facts file and line
      facts_files: [...]

``status`` is read from the decision: fail (a standing violation),
missing_evidence, approval_required, waived, else pass, or not_applicable
when every threshold the control reads is "no requirement at this tier" (an
empty map or list, or false): nothing was checked, so nothing passed.

``approvals_verified`` says what the approvals in ``evidence`` are: true when
a principals file was in force (only signed records from the decision log
count), false when they are the facts' own, unsigned claims; absent when not
known (details rebuilt from the log).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.bundles.controls import ControlInfo, bundle_controls
from mlgate.bundles.reach import entry_package
from mlgate.bundles.thresholds import THRESHOLDS, thresholds_root, tiers_at
from mlgate.decisions.model import Decision
from mlgate.engine.base import DECISION_QUERY
from mlgate.explain.evidence import summarize
from mlgate.explain.locate import FactsLocator
from mlgate.explain.measures import mark_failed, measures_for

if TYPE_CHECKING:
    from mlgate.bundles.model import Bundle

DETAILS_VERSION = 1


def display_path(path: str | Path) -> str:
    """A path as a report shows it: relative to the working directory when inside it."""
    text = str(path)
    if os.path.isabs(text):
        rel = os.path.relpath(text)
        if not rel.startswith(".."):
            return Path(rel).as_posix()
    return Path(text).as_posix()


def control_status(cid: str, doc: dict[str, Any]) -> str:
    if any(v.get("control") == cid for v in doc.get("violations", [])):
        return "fail"
    if any(m.get("control") == cid for m in doc.get("missing_evidence", [])):
        return "missing_evidence"
    if any(cid in (a.get("controls") or []) for a in doc.get("required_approvals", [])):
        return "approval_required"
    if any(w.get("control") == cid for w in doc.get("waivers_applied", [])):
        return "waived"
    return "pass"


def no_requirement(thresholds: list[dict[str, Any]]) -> bool:
    """Every threshold is "no requirement at this tier": an empty map or list, or false."""
    return bool(thresholds) and all(_none_required(t["value"]) for t in thresholds)


def _none_required(value: Any) -> bool:
    return value is False or (isinstance(value, dict | list) and not value)


def tier_thresholds(
    bundle: Bundle, tier: str | None, root: tuple[str, ...] = THRESHOLDS
) -> dict[str, Any] | None:
    value = tiers_at(bundle, root).get(tier) if tier else None
    return value if isinstance(value, dict) else None


def _rule_file(bundle: Bundle, rel: str) -> str:
    root = Path(bundle.source)
    return display_path(root / rel) if root.is_dir() else rel


def _control_json(
    info: ControlInfo,
    doc: dict[str, Any],
    bundle: Bundle,
    tier: str | None,
    th: dict[str, Any],
    root: tuple[str, ...],
) -> dict[str, Any]:
    out = info.to_json()
    out["rules"] = [{**r, "file": _rule_file(bundle, r["file"])} for r in out["rules"]]
    out["status"] = control_status(info.id, doc)
    out["thresholds"] = []
    for path in info.threshold_paths:
        value: Any = th
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value is not None:
            data_path = ".".join(("data", *root, str(tier), path))
            out["thresholds"].append({"path": path, "data_path": data_path, "value": value})
    if out["status"] == "pass" and no_requirement(out["thresholds"]):
        out["status"] = "not_applicable"
    return out


def controls_named_in(doc: dict[str, Any], known: set[str]) -> list[dict[str, Any]]:
    ids: list[str] = []
    for key in ("violations", "missing_evidence", "waivers_applied"):
        ids += [str(x.get("control")) for x in doc.get(key, []) if x.get("control")]
    for a in doc.get("required_approvals", []):
        ids += [str(c) for c in a.get("controls") or []]
    out: list[dict[str, Any]] = []
    for cid in dict.fromkeys(ids):
        if cid not in known:
            severity = next(
                (v.get("severity", "") for v in doc.get("violations", []) if v["control"] == cid),
                "",
            )
            out.append(
                {"id": cid, "title": cid, "description": "", "severity": severity, "family": "",
                 "family_title": "", "package": "", "rules": [], "requires": [], "frameworks": {},
                 "threshold_paths": [], "thresholds": [], "status": control_status(cid, doc)}
            )  # fmt: skip
    return out


def build_details(
    decision: Decision,
    facts: dict[str, Any],
    facts_files: Sequence[str | Path],
    bundle: Bundle,
    *,
    enforced: bool = True,
    logged: bool = True,
    approvals_verified: bool | None = None,
) -> dict[str, Any]:
    """What the reports show beyond the decision; ``logged`` false (``check --no-log``):
    the decision was recorded nowhere, so no report may offer to approve it;
    ``approvals_verified``: whether the facts' approvals are verified signed records
    (a principals file was in force) or unsigned claims, ``None`` when not known."""
    doc = decision.document
    tier = doc.get("risk_tier") if isinstance(doc.get("risk_tier"), str) else None
    entry = doc.get("entry_point")
    entry_point = entry if isinstance(entry, str) else DECISION_QUERY
    root = thresholds_root(bundle, entry_package(entry_point))
    th = tier_thresholds(bundle, tier, root) or {}
    infos = bundle_controls(bundle.modules, entry_point)
    controls = [_control_json(i, doc, bundle, tier, th, root) for i in infos]
    controls += controls_named_in(doc, {i.id for i in infos})
    measures = [m for i in infos for m in measures_for(i, facts, th)]
    mark_failed(measures, decision.violations)
    locator = FactsLocator(facts, facts_files)
    pointers = [str(v["evidence"]) for v in decision.violations if v.get("evidence")]
    pointers += [str(m["path"]) for m in decision.missing_evidence]
    pointers += [m["pointer"] for m in measures] + ["/approvals", "/subject/risk_tier"]
    locations: dict[str, dict[str, Any]] = {}
    for pointer in dict.fromkeys(pointers):
        found = locator.locate(pointer)
        if found:
            locations[pointer] = {"file": display_path(found[0]), "line": found[1]}
    return {
        "version": DETAILS_VERSION,
        "enforced": enforced,
        **({} if logged else {"logged": False}),
        **({} if approvals_verified is None else {"approvals_verified": approvals_verified}),
        "tier": tier,
        "thresholds_path": ".".join(("data", *root, tier)) if tier and th else None,
        "controls": controls,
        "measures": measures,
        "evidence": summarize(facts),
        "locations": locations,
        "facts_files": [display_path(f) for f in facts_files if str(f) != "-"],
    }


def with_details(decision: Decision, details: dict[str, Any]) -> Decision:
    return Decision({**decision.document, "details": details})
