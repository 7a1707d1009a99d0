"""``--format sarif``: SARIF 2.1.0 for code-scanning views.

One reporting descriptor (rule) per control, from its METADATA: title,
description, severity, frameworks, help URI (``related_resources`` or
``custom.help_uri``). One result per violation, per missing evidence and per
outstanding approval; waived violations are results with an accepted external
suppression. Each result points at the facts file and line of its evidence,
else at the Rego rule's file and line.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, NamedTuple

from mlgate.report import view
from mlgate.version import __version__

if TYPE_CHECKING:
    from mlgate.decisions.model import Decision

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
_SECURITY_SEVERITY = {
    "critical": "9.5",
    "high": "8.0",
    "medium": "5.5",
    "low": "2.0",
    "info": "0.0",
}


def _rule(control: dict[str, Any]) -> dict[str, Any]:
    severity = str(control.get("severity") or "")
    props: dict[str, Any] = {"tags": ["mlgate", *(str(f) for f in control.get("frameworks") or {})]}
    if severity:
        props["severity"] = severity
        props["security-severity"] = _SECURITY_SEVERITY.get(severity, "5.0")
    for key in ("frameworks", "requires", "package"):
        if control.get(key):
            props[key] = control[key]
    rule: dict[str, Any] = {
        "id": control["id"],
        "name": "".join(w.capitalize() for w in str(control.get("title") or control["id"]).split()),
        "shortDescription": {"text": str(control.get("title") or control["id"])},
        "defaultConfiguration": {"level": _LEVEL.get(severity, "error")},
        "properties": props,
    }
    if control.get("description"):
        rule["fullDescription"] = {"text": control["description"]}
        rule["help"] = {"text": control["description"]}
    if control.get("help_uri"):
        rule["helpUri"] = control["help_uri"]
    return rule


def _location(decision: Decision, pointer: str | None, control: dict[str, Any] | None) -> Any:
    found = view.location(decision, pointer) or view.rule_location(control)
    if not found:
        files = view.details(decision).get("facts_files") or []
        found = (str(files[0]), 1) if files else None
    if not found:
        return []
    physical = {
        "artifactLocation": {"uri": found[0].replace("\\", "/")},
        "region": {"startLine": max(1, found[1])},
    }
    loc: dict[str, Any] = {"physicalLocation": physical}
    if pointer:
        loc["logicalLocations"] = [{"fullyQualifiedName": pointer, "kind": "member"}]
    return [loc]


class _Known(NamedTuple):
    rule_index: dict[str, int]
    controls: dict[str, dict[str, Any]]


def _result(
    decision: Decision,
    cid: str,
    level: str,
    text: str,
    pointer: str | None,
    extra: dict[str, Any],
    known: _Known,
) -> dict[str, Any]:
    rules, controls = known
    result: dict[str, Any] = {
        "ruleId": cid,
        "level": level,
        "message": {"text": text},
        "locations": _location(decision, pointer, controls.get(cid)),
        "partialFingerprints": {"mlgateFinding/v1": f"{cid}:{pointer or ''}"},
        "properties": extra,
    }
    if cid in rules:
        result["ruleIndex"] = rules[cid]
    return result


def _results(decision: Decision, index: dict[str, int]) -> list[dict[str, Any]]:
    rules = _Known(index, view.by_id(decision))
    sev = {cid: str(c.get("severity") or "") for cid, c in rules.controls.items()}
    out = []
    for v in decision.violations:
        text = (
            f"{v['message']} (expected {view.value_text(v.get('expected'))}, "
            f"actual {view.value_text(v.get('actual'))})"
        )
        extra: dict[str, Any] = {"status": "fail", "rule": v.get("rule")}
        extra["severity"] = v.get("severity")
        level = _LEVEL.get(str(v.get("severity")), "error")
        out.append(_result(decision, v["control"], level, text, v.get("evidence"), extra, rules))
    for m in decision.missing_evidence:
        text = f"missing evidence at {m['path']}: {m.get('message', '')}".rstrip(": ")
        extra = {"status": "missing_evidence", "severity": sev.get(m["control"], "")}
        out.append(_result(decision, m["control"], "error", text, m["path"], extra, rules))
    for a in decision.required_approvals:
        for cid in a.get("controls") or ["approvals"]:
            text = f"{a['reason']}. Give it with: {view.approve_command(decision, a['role'])}"
            extra = {"status": "approval_required", "role": a["role"], "count": a["count"]}
            out.append(_result(decision, cid, "note", text, "/approvals", extra, rules))
    for w in decision.waivers_applied:
        text = f"waived until {w['expires_at']} ({w['ticket']}, {w['approver']}): {w['reason']}"
        result = _result(decision, w["control"], "note", text, None, {"status": "waived"}, rules)
        result["suppressions"] = [{"kind": "external", "status": "accepted", "justification": text}]
        out.append(result)
    return out


class SarifFormatter:
    def render(self, decision: Decision) -> str:
        controls = view.controls(decision)
        rules = [_rule(c) for c in controls]
        index = {r["id"]: i for i, r in enumerate(rules)}
        bundle = decision.document.get("bundle") or {}
        run: dict[str, Any] = {
            "tool": {
                "driver": {
                    "name": "mlgate",
                    "semanticVersion": __version__,
                    "informationUri": "https://mlgate.dev",
                    "rules": rules,
                }
            },
            "automationDetails": {"id": f"mlgate/{view.subject_name(decision)}/"},
            "invocations": [
                {
                    "executionSuccessful": True,
                    "properties": {
                        "outcome": decision.outcome,
                        "enforced": view.enforced(decision),
                    },
                }
            ],
            "results": _results(decision, index),
            "properties": {
                "decision_id": decision.decision_id,
                "outcome": decision.outcome,
                "evaluated_at": decision.document.get("evaluated_at"),
                "bundle": bundle,
                "input_digest": decision.document.get("input_digest"),
            },
        }
        log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
        return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
