"""``mlgate explain``: per control, why it has its status and what would change it.

For each control: the rule and where it is (file:line), its METADATA title and
description, the threshold and where it comes from (bundle data path and
tier), the actual value and its source (facts file:line, tool), the findings,
and what would make it pass. Everything is read from the decision (its
``details`` when present); nothing is re-evaluated.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlgate.decisions.model import Decision
from mlgate.errors import UsageError
from mlgate.report import view
from mlgate.report.svg import num

_SIGN = {"minimum": "≥", "maximum": "≤"}
_MIN_KEYS = ("minimum", "minimum_ratio")
_MAX_KEYS = ("maximum", "maximum_difference", "max_degradation", "max_regression",
             "max_pii_findings", "max_scan_age_days")  # fmt: skip


def _source_text(src: Any) -> str:
    if not isinstance(src, dict):
        return ""
    where = (
        src.get("file") or src.get("uri") or (f"run {src['run_id']}" if src.get("run_id") else "")
    )
    at = f", collected {src['collected_at']}" if src.get("collected_at") else ""
    return f"{src.get('tool', '?')}{': ' + str(where) if where else ''}{at}"


def _at(decision: Decision, pointer: str | None) -> str:
    found = view.location(decision, pointer)
    return f" ({found[0]}:{found[1]})" if found else ""


def remedy(decision: Decision, v: Mapping[str, Any]) -> str:
    """What would make one violation go away, from its expected and actual."""
    exp, act = v.get("expected"), view.value_text(v.get("actual"))
    if isinstance(exp, dict):
        what = exp.get("metric") or exp.get("severity") or "the value"
        for key in _MIN_KEYS:
            if key in exp:
                return f"raise {what} to at least {num(exp[key])} (now {act})"
        for key in _MAX_KEYS:
            if key in exp:
                return f"bring {what} to at most {num(exp[key])} (now {act})"
        if "max_vulnerabilities" in exp:
            return (
                f"fix or upgrade until at most {exp['max_vulnerabilities']} {what} "
                "vulnerabilities remain, or record a waiver"
            )
    return f"make {v.get('evidence', 'the evidence')} meet {view.value_text(exp)} (now {act})"


def _to_pass(decision: Decision, cid: str, status: str) -> list[str]:
    if status == "fail":
        return [remedy(decision, v) for v in decision.violations if v["control"] == cid]
    if status == "missing_evidence":
        return [
            f"add {m['path']} to the facts" + (f" ({m['message']})" if m.get("message") else "")
            for m in decision.missing_evidence
            if m["control"] == cid
        ]
    if status == "approval_required":
        return [
            f"{a['count'] - a.get('given', 0)} more approval(s) from role {a['role']}: "
            f"{view.approve_command(decision, a['role'])}"
            for a in decision.required_approvals
            if cid in (a.get("controls") or [])
        ]
    if status == "waived":
        return [
            f"passes under waiver {w['ticket']} until {w['expires_at']}; fix it before then"
            for w in decision.waivers_applied
            if w["control"] == cid
        ]
    if status == "not_applicable":
        return ["nothing: the tier sets no requirement, so nothing was checked"]
    return ["nothing: it passes"]


def explain_control(decision: Decision, c: dict[str, Any]) -> list[str]:
    cid, status = str(c["id"]), str(c.get("status", "pass"))
    sev = f" [{c['severity']}]" if c.get("severity") else ""
    lines = [f"{cid}  {c.get('title') or ''}{sev}: {view.STATUS.get(status, status).upper()}"]
    for r in c.get("rules") or []:
        lines.append(f"  rule:      {r['rule']} at {r['file']}:{r['line']} ({c.get('package')})")
    if c.get("description"):
        lines.append(f"  what:      {c['description']}")
    tier = view.details(decision).get("tier")
    for t in c.get("thresholds") or []:
        value = view.value_text(t["value"])
        lines.append(f"  threshold: {t['data_path']} = {value} (tier {tier})")
    for m in view.details(decision).get("measures") or []:
        if m["control"] == cid:
            src = _source_text(m.get("source"))
            lines.append(
                f"  actual:    {m['name']} = {num(m['value'])} "
                f"({_SIGN.get(m['comparison'], '')} {num(m['threshold'])}) at {m['pointer']}"
                f"{_at(decision, m['pointer'])}{'; ' + src if src else ''}"
            )
    for v in decision.violations:
        if v["control"] == cid:
            src = _source_text(v.get("source"))
            lines.append(
                f"  finding:   {v['message']} (expected {view.value_text(v.get('expected'))}, "
                f"actual {view.value_text(v.get('actual'))}) at {v.get('evidence', '-')}"
                f"{_at(decision, v.get('evidence'))}{'; ' + src if src else ''}"
            )
    for m in decision.missing_evidence:
        if m["control"] == cid:
            lines.append(
                f"  missing:   {m['path']}{_at(decision, m['path'])}: {m.get('message', '')}"
            )
    lines += [f"  to pass:   {step}" for step in _to_pass(decision, cid, status)]
    for name, refs in (c.get("frameworks") or {}).items():
        lines.append(f"  framework: {name}: {', '.join(refs)}")
    return lines


def explain(decision: Decision, control: str | None = None) -> str:
    controls = view.controls(decision)
    if control is not None:
        controls = [c for c in controls if str(c["id"]).lower() == control.lower()]
        if not controls:
            known = ", ".join(str(c["id"]) for c in view.controls(decision)) or "none"
            raise UsageError(f"no control {control!r} in this decision (controls: {known})")
    head = (
        f"{view.VERDICT[decision.outcome]}  {view.subject_name(decision)} · decision "
        f"{decision.decision_id}\n{view.plain_words(decision)}\n"
    )
    if not view.details(decision):
        head += (
            "(this decision carries no details: thresholds, actual values and rule locations "
            "are unknown; re-run mlgate check to record them)\n"
        )
    return (
        head + "\n" + "\n\n".join("\n".join(explain_control(decision, c)) for c in controls) + "\n"
    )
