"""The HTML report's approvals: still required, given (signed or only claimed), and
recorded in the log after the decision (see ``mlgate.report.html``)."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from mlgate.report import view

if TYPE_CHECKING:
    from mlgate.decisions.model import Decision

# What the given approvals are, by details.approvals_verified (None: not recorded).
_KIND = {
    True: "signed record, signature verified",
    False: "unsigned claim written in the facts (no signature verified)",
    None: "not recorded whether a signature was verified",
}
_CLAIMS_NOTE = (
    "No principals file was configured for this check: the approvals above are claims "
    "written in the facts file, not signatures mlgate verified, and anyone who can edit "
    "the facts can write them. With a principals file only signed approvals from the "
    "decision log count."
)


def e(value: Any) -> str:
    return escape(value if isinstance(value, str) else view.value_text(value))


def _table(head: list[str], rows: list[str], ident: str) -> str:
    cols = "".join(f"<th>{e(h)}</th>" for h in head)
    body = "\n".join(rows)
    return f'<table id="{ident}"><thead><tr>{cols}</tr></thead><tbody>\n{body}\n</tbody></table>\n'


def _required(decision: Decision) -> str:
    rows = [
        f'<tr class="approval" data-role="{e(a["role"])}"><td>{e(a["role"])}</td>'
        f'<td class="num">{a["count"]}</td><td class="num">{a.get("given", 0)}</td>'
        f"<td>{e(a['reason'])}<br>"
        f"<code>{e(view.approve_command(decision, a['role']))}</code></td></tr>"
        for a in decision.required_approvals
    ]
    if not rows:
        return "<p>No approval is outstanding.</p>"
    head = ["Role", "Required", "Given", "Why, and how to give it"]
    return "<h3>Still required</h3>" + _table(head, rows, "required-approvals")


def _given(decision: Decision) -> str:
    records = (view.details(decision).get("evidence") or {}).get("approvals") or []
    if not records:
        return ""
    verified = view.details(decision).get("approvals_verified")
    kind = _KIND.get(verified if isinstance(verified, bool) else None, _KIND[None])
    counted = "counted" if verified is True else "counted as written"
    ignored = {
        (x.get("principal"), x.get("role")): x.get("reason", "")
        for x in decision.document.get("approvals_ignored", [])
    }
    flag = "true" if verified is True else "false"
    rows = [
        f'<tr class="given" data-verified="{flag}"><td>{e(r.get("principal", ""))}</td>'
        f"<td>{e(r.get('role', ''))}</td><td>{e(r.get('decision', ''))}</td>"
        f"<td>{e(r.get('at', ''))}</td><td>{e(kind)}</td>"
        f"<td>{e(ignored.get((r.get('principal'), r.get('role')), counted))}</td></tr>"
        for r in records
    ]
    head = ["Principal", "Role", "Decision", "At", "What it is", "Counted?"]
    note = (
        f'<p class="banner" id="unsigned-claims">{e(_CLAIMS_NOTE)}</p>' if verified is False else ""
    )
    return "<h3>Given</h3>" + _table(head, rows, "given-approvals") + note


def _after(decision: Decision) -> str:
    later = decision.document.get("approvals_recorded_after")
    if not isinstance(later, list) or not later:
        return ""
    rows = [
        f'<tr class="later" data-decision="{e(r.get("decision", ""))}">'
        f'<td class="mono">{e(r.get("recorded_at") or "")}</td>'
        f"<td>{e(r.get('principal', ''))}</td><td>{e(r.get('role', ''))}</td>"
        f"<td><b>{e(r.get('decision', ''))}</b></td>"
        f'<td class="mono">{e(r.get("at", ""))}</td><td>{e(r.get("expires_at") or "-")}</td>'
        f"<td>{e(r.get('comment') or '')}</td></tr>"
        for r in later
        if isinstance(r, dict)
    ]
    when = decision.document.get("evaluated_at", "")
    ident = decision.decision_id or "DECISION_ID"
    head = ["Recorded at", "Principal", "Role", "Decision", "Signed at", "Expires", "Comment"]
    return (
        "<h3>Recorded after this decision</h3>"
        f"<p>{len(rows)} signed approval(s) or rejection(s) were recorded in the decision log "
        f"against this decision after it was made (at {e(when)}). They are not part of the "
        f"outcome above: <code>mlgate status {e(ident)}</code> shows whether they count, and "
        "the next <code>mlgate check</code> applies them.</p>"
        + _table(head, rows, "approvals-after")
    )


def approvals_section(decision: Decision) -> str:
    out = _required(decision) + _given(decision) + _after(decision)
    return f'<section id="approvals"><h2>Approvals</h2>{out}</section>'
