"""``--format markdown``: a PR/MR comment (also GitHub's job summary).

Verdict and why in plain words, the controls that need attention in a table
(the passing ones folded away), the missing evidence, and the required
approvals with the exact ``mlgate approve`` command for each role. Long lists
are capped so the comment stays under the forges' size limits; the first line
is a marker comment a bot can use to update its previous comment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mlgate.report import view

if TYPE_CHECKING:
    from mlgate.decisions.model import Decision

MARKER = "<!-- mlgate-report -->"
MAX_ROWS = 50
ICON = {
    "pass": "✅",
    "fail": "❌",
    "missing_evidence": "⚠️",
    "approval_required": "✋",
    "waived": "🟡",
}
HEAD = {"pass": "✅", "fail": "❌", "insufficient_evidence": "⚠️", "needs_approval": "✋"}
_SIGN = {"minimum": "≥", "maximum": "≤"}


def cell(value: Any) -> str:
    text = view.value_text(value) if not isinstance(value, str) else value
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(text.replace("|", "\\|").split()) or "—"


def code(text: str) -> str:
    return f"`{text.replace('`', chr(0x2019))}`"


def _threshold_actual(decision: Decision, control: dict[str, Any]) -> tuple[str, str]:
    measures = [m for m in view.details(decision).get("measures") or []]
    own = [m for m in measures if m.get("control") == control["id"]]
    if own:
        limits = "; ".join(
            f"{m['name']} {_SIGN.get(m['comparison'], '')} {m['threshold']}" for m in own
        )
        return limits, "; ".join(f"{m['value']}" for m in own)
    found = [v for v in decision.violations if v["control"] == control["id"]]
    limits = "; ".join(
        f"{t['path']} = {view.value_text(t['value'])}" for t in control.get("thresholds") or []
    )
    if found:
        expected = limits or view.value_text(found[0].get("expected"))
        return expected, view.value_text(found[0].get("actual"))
    return limits, ""


def _control_rows(decision: Decision, rows: list[dict[str, Any]]) -> list[str]:
    out = ["| | Control | Severity | Status | Threshold | Actual |", "|---|---|---|---|---|---|"]
    for c in rows[:MAX_ROWS]:
        status = str(c.get("status", "pass"))
        limit, actual = _threshold_actual(decision, c)
        name = f"**{c['id']}** {c.get('title') or ''}"
        out.append(
            f"| {ICON.get(status, '')} | {cell(name)} | {cell(c.get('severity') or '')} "
            f"| {view.STATUS.get(status, status)} | {cell(limit)} | {cell(actual)} |"
        )
    if len(rows) > MAX_ROWS:
        out.append(f"\n_… and {len(rows) - MAX_ROWS} more control(s); see the full report._")
    return out


def _findings(decision: Decision) -> list[str]:
    out: list[str] = []
    if decision.violations:
        out += ["", f"### Findings ({len(decision.violations)})", ""]
        for v in decision.violations[:MAX_ROWS]:
            where = view.location(decision, v.get("evidence"))
            at = f" — {code(f'{where[0]}:{where[1]}')}" if where else ""
            out.append(
                f"- **{v['control']}** {cell(v['message'])} (expected "
                f"{cell(v.get('expected'))}, actual {cell(v.get('actual'))}){at}"
            )
        if len(decision.violations) > MAX_ROWS:
            out.append(f"- _… and {len(decision.violations) - MAX_ROWS} more_")
    if decision.missing_evidence:
        out += ["", "### Missing evidence", ""]
        for m in decision.missing_evidence[:MAX_ROWS]:
            message = f": {cell(m['message'])}" if m.get("message") else ""
            out.append(f"- **{m['control']}** {code(m['path'])}{message}")
    return out


def _approvals(decision: Decision) -> list[str]:
    if not decision.required_approvals:
        return []
    out = [
        "",
        "### Required approvals",
        "",
        "| Role | Required | Given | Why |",
        "|---|---|---|---|",
    ]
    for a in decision.required_approvals:
        out.append(
            f"| {cell(a['role'])} | {a['count']} | {a.get('given', 0)} | {cell(a['reason'])} |"
        )
    out += ["", "Each approver runs, with their own principal id and key:", "", "```sh"]
    out += [view.approve_command(decision, str(a["role"])) for a in decision.required_approvals]
    return [*out, "```"]


def _footer(decision: Decision) -> list[str]:
    doc = decision.document
    bundle, engine = doc.get("bundle") or {}, (doc.get("engine") or {}).get("name", "?")
    waivers = [
        f"- 🟡 **{w['control']}** waived until {w['expires_at']} ({cell(w['ticket'])}, "
        f"{cell(w['approver'])}): {cell(w['reason'])}"
        for w in decision.waivers_applied
    ]
    return [
        *(["", "### Waivers applied", "", *waivers] if waivers else []),
        "",
        f"<sub>decision {code(decision.decision_id)} · bundle "
        f"{code(bundle.get('revision') or '-')} {code(str(bundle.get('digest', ''))[:19])} · "
        f"input {code(str(doc.get('input_digest', ''))[:19])} · engine {cell(engine)}</sub>",
    ]


class MarkdownFormatter:
    def render(self, decision: Decision) -> str:
        tier = decision.document.get("risk_tier") or "unknown"
        lines = [
            MARKER,
            f"## {HEAD.get(decision.outcome, '')} mlgate: {view.VERDICT[decision.outcome]} — "
            f"{cell(view.subject_name(decision))} (tier {cell(tier)})",
            "",
            cell(view.plain_words(decision)),
        ]
        if not view.enforced(decision):
            lines += [
                "",
                "> **Report-only:** enforcement is off; this outcome did not fail the job.",
            ]
        controls = view.controls(decision)
        attention = [c for c in controls if c.get("status") != "pass"]
        passing = [c for c in controls if c.get("status") == "pass"]
        if attention:
            lines += ["", *_control_rows(decision, attention)]
        if passing:
            lines += ["", f"<details><summary>{len(passing)} control(s) pass</summary>", ""]
            lines += [*_control_rows(decision, passing), "", "</details>"]
        lines += [*_findings(decision), *_approvals(decision), *_footer(decision)]
        return "\n".join(lines) + "\n"
