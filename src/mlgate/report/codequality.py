"""``--format codequality``: GitLab's Code Quality report (the ``codequality`` artifact).

A JSON array of issues, one per violation, missing evidence and required approval,
each with ``description``, ``check_name`` (the control), a stable ``fingerprint``,
``severity`` (info | minor | major | critical | blocker) and ``location`` (the facts
file and line of the evidence, else the Rego rule, else the first facts file), so the
findings show in the merge request's Code Quality widget. Waived findings and a
pass give no issue: the widget lists what needs attention.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from mlgate.report import view

if TYPE_CHECKING:
    from mlgate.decisions.model import Decision

_SEVERITY = {"critical": "blocker", "high": "critical", "medium": "major", "low": "minor"}


def _where(decision: Decision, pointer: str | None, control: dict[str, Any] | None) -> Any:
    found = view.location(decision, pointer) or view.rule_location(control)
    if not found:
        files = view.details(decision).get("facts_files") or []
        found = (str(files[0]), 1) if files else ("facts", 1)
    return {"path": found[0].replace("\\", "/"), "lines": {"begin": max(1, int(found[1]))}}


def _issue(
    decision: Decision,
    control: str,
    severity: str,
    text: str,
    pointer: str | None,
    controls: dict[str, dict[str, Any]],
    same: str | None = None,
) -> dict[str, Any]:
    """``same``: what makes the issue the same one in the next pipeline (default the
    text; for an approval its role, since the text names the decision id)."""
    subject = view.subject_name(decision)
    key = f"mlgate\x00{subject}\x00{control}\x00{pointer or ''}\x00{same or text}"
    return {
        "type": "issue",
        "description": f"{control}: {text}",
        "check_name": control,
        "categories": ["Compliance"],
        "fingerprint": hashlib.sha256(key.encode("utf-8")).hexdigest(),
        "severity": severity,
        "location": _where(decision, pointer, controls.get(control)),
    }


class CodeQualityFormatter:
    def render(self, decision: Decision) -> str:
        controls = view.by_id(decision)
        issues = []
        for v in decision.violations:
            text = (
                f"{v['message']} (expected {view.value_text(v.get('expected'))}, "
                f"actual {view.value_text(v.get('actual'))})"
            )
            severity = _SEVERITY.get(str(v.get("severity")), "major")
            issues.append(
                _issue(decision, str(v["control"]), severity, text, v.get("evidence"), controls)
            )
        for m in decision.missing_evidence:
            text = f"missing evidence at {m['path']}: {m.get('message', '')}".rstrip(": ")
            severity = _SEVERITY.get(str(controls.get(m["control"], {}).get("severity")), "major")
            issues.append(_issue(decision, str(m["control"]), severity, text, m["path"], controls))
        for a in decision.required_approvals:
            text = f"{a['reason']}. Give it with: {view.approve_command(decision, a['role'])}"
            for cid in a.get("controls") or ["approvals"]:
                issues.append(
                    _issue(decision, str(cid), "info", text, "/approvals", controls, a["role"])
                )
        return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
