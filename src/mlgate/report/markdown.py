"""``--format markdown``: a PR/MR comment (also GitHub's job summary).

Verdict and why in plain words, the controls that need attention in a table
(the passing ones folded away), the missing evidence, and the required
approvals with the exact ``mlgate approve`` command for each role. Long lists
are capped so the comment stays under the forges' size limits; the first line
is a marker comment a bot can use to update its previous comment.

Every value that comes from the facts or the bundle (control ids, messages,
roles, revision, paths, waiver fields) goes through ``cell`` (HTML and
Markdown link syntax escaped, one line) or ``code`` (a one-line code span), so
a hostile string cannot put raw HTML, a link or an image into the comment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mlgate.report import sentences, view

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
    "not_applicable": "⚪",
}
HEAD = {"pass": "✅", "fail": "❌", "insufficient_evidence": "⚠️", "needs_approval": "✋"}
_SIGN = {"minimum": "≥", "maximum": "≤"}


_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "\\|", "[": "\\[", "]": "\\]", "\\": "\\\\"}
    | {"`": "\\`"}
)


def cell(value: Any) -> str:
    """One line of inline Markdown showing ``value`` as text, whatever it holds."""
    text = view.value_text(value) if not isinstance(value, str) else value
    return " ".join(text.translate(_ESCAPES).split()) or "—"


def code(value: Any) -> str:
    """A one-line code span (no backtick, no line break can end it early)."""
    text = " ".join(str(value).replace("`", chr(0x2019)).split())
    return f"`{text}`" if text else "—"


def _shell_line(text: str) -> str:
    """A line inside a fenced block: one line, so no value can close the fence."""
    return " ".join(text.replace("`", chr(0x2019)).split())


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
        sentences.threshold(str(t["path"]), t["value"]) for t in control.get("thresholds") or []
    )
    if found:
        expected = limits or sentences.expected(found[0].get("expected"))
        return expected, view.value_text(found[0].get("actual"))
    return limits, ""


def _control_rows(decision: Decision, rows: list[dict[str, Any]]) -> list[str]:
    out = ["| | Control | Severity | Status | Threshold | Actual |", "|---|---|---|---|---|---|"]
    for c in rows[:MAX_ROWS]:
        status = str(c.get("status", "pass"))
        limit, actual = _threshold_actual(decision, c)
        name = f"**{cell(c['id'])}** {cell(c.get('title') or '')}"
        out.append(
            f"| {ICON.get(status, '')} | {name} | {cell(c.get('severity') or '')} "
            f"| {cell(view.STATUS.get(status, status))} | {cell(limit)} | {cell(actual)} |"
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
                f"- **{cell(v['control'])}** {cell(v['message'])} (expected "
                f"{cell(sentences.expected(v.get('expected')))}, actual "
                f"{cell(v.get('actual'))}){at}"
            )
        if len(decision.violations) > MAX_ROWS:
            out.append(f"- _… and {len(decision.violations) - MAX_ROWS} more_")
    if decision.missing_evidence:
        out += ["", "### Missing evidence", ""]
        for m in decision.missing_evidence[:MAX_ROWS]:
            message = f": {cell(m['message'])}" if m.get("message") else ""
            out.append(f"- **{cell(m['control'])}** {code(m['path'])}{message}")
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
            f"| {cell(a['role'])} | {cell(a['count'])} | {cell(a.get('given', 0))} "
            f"| {cell(a['reason'])} |"
        )
    if not view.logged(decision):
        return [
            *out,
            "",
            "_This check was not recorded (`--no-log`): there is no decision to approve. "
            "Run `mlgate check` with a decision log, then each approver runs "
            "`mlgate approve DECISION_ID --role ROLE`._",
        ]
    out += ["", "Each approver runs, with their own principal id and key:", "", "```sh"]
    out += [
        _shell_line(view.approve_command(decision, str(a["role"])))
        for a in decision.required_approvals
    ]
    return [*out, "```"]


def _footer(decision: Decision) -> list[str]:
    doc = decision.document
    bundle, engine = doc.get("bundle") or {}, (doc.get("engine") or {}).get("name", "?")
    waivers = [
        f"- 🟡 **{cell(w['control'])}** waived until {cell(w['expires_at'])} ({cell(w['ticket'])}, "
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
        quiet = ("pass", "not_applicable")
        attention = [c for c in controls if c.get("status") not in quiet]
        passing = [c for c in controls if c.get("status") == "pass"]
        idle = [c for c in controls if c.get("status") == "not_applicable"]
        if attention:
            lines += ["", *_control_rows(decision, attention)]
        if passing:
            lines += ["", f"<details><summary>{len(passing)} control(s) pass</summary>", ""]
            lines += [*_control_rows(decision, passing), "", "</details>"]
        if idle:
            summary = f"{len(idle)} control(s) not applicable: no requirement at this tier"
            lines += ["", f"<details><summary>{summary}</summary>", ""]
            lines += [*_control_rows(decision, idle), "", "</details>"]
        lines += [*_findings(decision), *_approvals(decision), *_footer(decision)]
        return "\n".join(lines) + "\n"
