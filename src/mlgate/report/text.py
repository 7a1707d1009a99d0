"""``--format text``: a verdict line, one line per problem, then approvals.

Meant for a terminal or a CI log. Colour only when asked (the CLI asks on a TTY
without ``NO_COLOR``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mlgate.decisions.model import Decision

_VERDICT = {
    "pass": ("PASS", "32"),
    "fail": ("FAIL", "31"),
    "needs_approval": ("NEEDS APPROVAL", "33"),
    "insufficient_evidence": ("INSUFFICIENT EVIDENCE", "35"),
}


def _value(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _source(item: Mapping[str, Any]) -> str:
    src = item.get("source")
    if not isinstance(src, dict):
        return ""
    where = src.get("file") or src.get("uri") or src.get("run_id") or ""
    tool = src.get("tool", "")
    return f" [{tool}{': ' + str(where) if where else ''}]"


class TextFormatter:
    def __init__(self, *, color: bool = False) -> None:
        self.color = color

    def _paint(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color else text

    def render(self, decision: Decision) -> str:
        doc = decision.document
        label, code = _VERDICT[decision.outcome]
        subject = doc.get("subject", {})
        name = f"{subject.get('name', '?')} {subject.get('version', '')}".strip()
        tier = doc.get("risk_tier") or "unknown"
        counts = (
            f"{len(decision.violations)} violation(s), "
            f"{len(decision.missing_evidence)} missing, "
            f"{len(decision.required_approvals)} approval(s) required"
        )
        lines = [f"{self._paint(label, code)}  {name} (tier {tier}): {counts}"]
        for v in decision.violations:
            exp, act = _value(v.get("expected")), _value(v.get("actual"))
            lines.append(
                f"  x {v['control']} [{v['severity']}] {v['message']}"
                f" (expected {exp}, actual {act}; evidence {v.get('evidence', '-')}){_source(v)}"
            )
        for m in decision.missing_evidence:
            extra = f": {m['message']}" if m.get("message") else ""
            lines.append(f"  ? {m['control']} missing evidence at {m['path']}{extra}")
        for w in decision.waivers_applied:
            who = f"{w['ticket']}, {w['approver']}"
            lines.append(f"  ~ {w['control']} waived until {w['expires_at']} ({who})")
        for a in decision.required_approvals:
            given = a.get("given", 0)
            lines.append(
                f"  @ approval required: {a['role']} x{a['count']} (given {given}): {a['reason']}"
            )
        for ignored in doc.get("approvals_ignored", []):
            lines.append(
                f"  - approval by {ignored['principal']} ({ignored['role']}) not counted:"
                f" {ignored['reason']}"
            )
        for warning in decision.warnings:
            lines.append(f"  ! warning: {warning}")
        bundle = doc.get("bundle", {})
        engine = doc.get("engine", {}).get("name", "?")
        lines.append(
            f"  decision {decision.decision_id} · bundle {bundle.get('revision') or '-'}"
            f" {str(bundle.get('digest', ''))[:19]} · engine {engine}"
        )
        return "\n".join(lines) + "\n"
