"""``--format junit``: one test case per control, for CI test viewers.

A control that failed is a ``<failure>`` (expected and actual of each finding
in the body), missing evidence is an ``<error>`` (the control could not be
checked), an outstanding approval is a ``<failure>`` of type
``approval_required``, a waived control is ``<skipped>`` with its ticket, so is a
control the tier sets no requirement for (not applicable), and a control that
passed is a bare test case. The decision id, outcome and bundle
are suite properties. Valid against the Jenkins xUnit ``junit-10.xsd``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from mlgate.report import view

if TYPE_CHECKING:
    from mlgate.decisions.model import Decision

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: object) -> str:
    return _NOT_XML.sub("\ufffd", str(text))


def _where(decision: Decision, pointer: str | None) -> str:
    found = view.location(decision, pointer)
    return f" ({found[0]}:{found[1]})" if found else ""


def _body(decision: Decision, cid: str, control: dict[str, Any]) -> str:
    lines = []
    for v in decision.violations:
        if v["control"] == cid:
            lines.append(
                f"{v['message']}\n  expected: {view.value_text(v.get('expected'))}\n"
                f"  actual: {view.value_text(v.get('actual'))}\n"
                f"  evidence: {v.get('evidence', '-')}{_where(decision, v.get('evidence'))}"
            )
    for m in decision.missing_evidence:
        if m["control"] == cid:
            lines.append(
                f"missing evidence at {m['path']}{_where(decision, m['path'])}: "
                f"{m.get('message', '')}"
            )
    for a in decision.required_approvals:
        if cid in (a.get("controls") or []):
            lines.append(
                f"approval required: {a['role']} x{a['count']} (given {a.get('given', 0)}): "
                f"{a['reason']}\n  give it with: {view.approve_command(decision, a['role'])}"
            )
    rule = view.rule_location(control)
    if rule:
        lines.append(f"rule: {rule[0]}:{rule[1]}")
    for t in control.get("thresholds") or []:
        lines.append(f"threshold {t['data_path']} = {view.value_text(t['value'])}")
    return "\n".join(lines)


def _first_message(decision: Decision, cid: str, status: str) -> str:
    if status == "fail":
        found = [v["message"] for v in decision.violations if v["control"] == cid]
    elif status == "missing_evidence":
        found = [
            f"missing evidence at {m['path']}" + (f": {m['message']}" if m.get("message") else "")
            for m in decision.missing_evidence
            if m["control"] == cid
        ]
    else:
        found = [
            a["reason"] for a in decision.required_approvals if cid in (a.get("controls") or [])
        ]
    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    return (found[0] if found else status) + more


def _testcase(decision: Decision, control: dict[str, Any]) -> ET.Element:
    cid, status = str(control["id"]), str(control.get("status", "pass"))
    title = control.get("title") or cid
    case = ET.Element(
        "testcase",
        name=_clean(f"{cid} {title}" if title != cid else cid),
        classname=_clean(control.get("package") or "mlgate.controls"),
        time="0",
    )
    if status == "pass":
        return case
    if status == "not_applicable":
        ET.SubElement(case, "skipped", message="not applicable: no requirement at this tier")
        return case
    if status == "waived":
        waivers = [w for w in decision.waivers_applied if w["control"] == cid]
        w: Mapping[str, Any] = waivers[0] if waivers else {}
        message = f"waived until {w.get('expires_at', '?')} ({w.get('ticket', '?')}, "
        message += f"{w.get('approver', '?')}): {w.get('reason', '')}"
        ET.SubElement(case, "skipped", message=_clean(message))
        return case
    tag, kind = {
        "fail": ("failure", ""),
        "missing_evidence": ("error", "missing_evidence"),
        "approval_required": ("failure", "approval_required"),
    }.get(status, ("failure", status))
    rules = [v.get("rule", "") for v in decision.violations if v["control"] == cid]
    element = ET.SubElement(
        case,
        tag,
        type=_clean(kind or (rules[0] if rules else "violation")),
        message=_clean(_first_message(decision, cid, status)),
    )
    element.text = _clean(_body(decision, cid, control))
    return case


class JunitFormatter:
    def render(self, decision: Decision) -> str:
        cases = [_testcase(decision, c) for c in view.controls(decision)]
        count = {t: sum(1 for c in cases if c.find(t) is not None) for t in ("failure", "error")}
        skipped = sum(1 for c in cases if c.find("skipped") is not None)
        tier = decision.document.get("risk_tier") or "unknown"
        attrs = {"tests": str(len(cases)), "failures": str(count["failure"])}
        attrs["errors"] = str(count["error"])
        root = ET.Element("testsuites", {"name": "mlgate", "time": "0", **attrs})
        suite = ET.SubElement(
            root,
            "testsuite",
            {
                "name": _clean(f"mlgate {view.subject_name(decision)} (tier {tier})"),
                **attrs,
                "skipped": str(skipped),
                "time": "0",
                "timestamp": _clean(decision.document.get("evaluated_at", "")),
                "id": _clean(decision.decision_id),
            },
        )
        props = ET.SubElement(suite, "properties")
        bundle = decision.document.get("bundle") or {}
        for name, value in (
            ("outcome", decision.outcome),
            ("enforced", str(view.enforced(decision)).lower()),
            ("decision_id", decision.decision_id),
            ("bundle_revision", bundle.get("revision", "")),
            ("bundle_digest", bundle.get("digest", "")),
            ("input_digest", decision.document.get("input_digest", "")),
        ):
            ET.SubElement(props, "property", name=name, value=_clean(value))
        suite.extend(cases)
        out = ET.SubElement(suite, "system-out")
        out.text = _clean(view.plain_words(decision))
        ET.indent(root)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"
