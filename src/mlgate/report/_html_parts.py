"""Sections of the HTML report (see ``mlgate.report.html``)."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import TYPE_CHECKING, Any

from mlgate.report import sentences, svg, view

if TYPE_CHECKING:
    from mlgate.decisions.model import Decision

_SIGN = {"minimum": "≥", "maximum": "≤"}


def e(value: Any) -> str:
    return escape(value if isinstance(value, str) else view.value_text(value))


def _pill(status: str) -> str:
    return f'<span class="pill {e(status)}">{e(view.STATUS.get(status, status))}</span>'


def _table(head: list[str], rows: list[str], ident: str = "") -> str:
    cols = "".join(f"<th>{e(h)}</th>" for h in head)
    attr = f' id="{ident}"' if ident else ""
    body = "\n".join(rows)
    return f"<table{attr}><thead><tr>{cols}</tr></thead><tbody>\n{body}\n</tbody></table>\n"


def _where(decision: Decision, pointer: str | None) -> str:
    found = view.location(decision, pointer)
    at = f"<br>{e(found[0])}:{found[1]}" if found else ""
    return f"<code>{e(pointer or '-')}</code>{at}"


def _actual(decision: Decision, cid: str, measures: list[dict[str, Any]]) -> str:
    own = [m for m in measures if m["control"] == cid]
    if own:
        return "<br>".join(f"{e(m['name'])} = {svg.num(m['value'])}" for m in own)
    found = [v for v in decision.violations if v["control"] == cid]
    return e(found[0].get("actual")) if found else ""


def _feature(measures: list[dict[str, Any]], cid: str, pointer: str | None = None) -> str | None:
    """The one sensitive feature the control's (or the pointer's) measures are across."""
    found = {
        m["sensitive_feature"]
        for m in measures
        if m["control"] == cid
        and m.get("sensitive_feature")
        and (pointer is None or pointer == m["pointer"] or pointer.startswith(m["pointer"] + "/"))
    }
    return found.pop() if len(found) == 1 else None


def _limit(t: dict[str, Any], feature: str | None) -> str:
    """A threshold as a sentence; the raw value and its data path in the title."""
    raw = f"{t['data_path']} = {view.value_text(t['value'])}"
    words = sentences.threshold(str(t["path"]), t["value"], feature)
    return (
        f'<span class="limit" title="{e(raw)}">{e(words)}</span>'
        f'<br><code class="path">{e(t["data_path"])}</code>'
    )


def _control_row(decision: Decision, c: dict[str, Any], measures: list[dict[str, Any]]) -> str:
    feature = _feature(measures, str(c["id"]))
    limits = "<br>".join(_limit(t, feature) for t in c.get("thresholds") or [])
    return (
        f'<tr class="control" data-control="{e(c["id"])}" data-status="{e(c.get("status"))}">'
        f"<td>{_pill(str(c.get('status', 'pass')))}</td>"
        f"<td><b>{e(c['id'])}</b> {e(c.get('title') or '')}</td>"
        f"<td>{e(c.get('severity') or '')}</td><td>{limits}</td>"
        f'<td class="num">{_actual(decision, str(c["id"]), measures)}</td></tr>'
    )


def _measure_row(m: dict[str, Any]) -> str:
    sign = _SIGN.get(m["comparison"], "")
    label = m["name"] + (f" ({m['sensitive_feature']})" if m.get("sensitive_feature") else "")
    chart = svg.metric_bar(m["value"], m["threshold"], m["comparison"], m["failed"], label)
    row = (
        f'<tr class="measure" data-control="{e(m["control"])}" data-name="{e(m["name"])}" '
        f'data-value="{svg.num(m["value"])}" data-threshold="{svg.num(m["threshold"])}" '
        f'data-failed="{str(m["failed"]).lower()}"><td>{e(label)}</td>'
        f'<td class="num">{svg.num(m["value"])}</td>'
        f'<td class="num">{sign} {svg.num(m["threshold"])}</td><td>{chart}</td></tr>'
    )
    groups = m.get("groups")
    if isinstance(groups, dict) and groups:
        line, note = None, "no per-group limit in the policy"
        if m["comparison"] == "minimum":
            line = round(max(groups.values()) * m["threshold"], 6)
            note = f"{svg.num(m['threshold'])} times the most favoured group = {svg.num(line)}"
        cells = "".join(
            f'<span class="group" data-group="{e(g)}" data-value="{svg.num(v)}"></span>'
            for g, v in groups.items()
        )
        chart = svg.group_bars(groups, line, note, m["failed"])
        row += (
            f'<tr class="groups"><td colspan="4">{cells}{chart}'
            f'<div class="legend">per group; dashed line: {e(note)}</div></td></tr>'
        )
    return row


def family_section(
    decision: Decision, name: str, members: list[dict[str, Any]], measures: list[dict[str, Any]]
) -> str:
    title = members[0].get("family_title") or name
    rows = [_control_row(decision, c, measures) for c in members]
    head = ["Status", "Control", "Severity", "Threshold (bundle data path)", "Actual"]
    ids = {c["id"] for c in members}
    own = [m for m in measures if m["control"] in ids and m["kind"] != "vulnerabilities"]
    charts = ""
    if own:
        charts = _table(
            ["Measured", "Actual", "Threshold", "Actual (bar) against threshold (dashed line)"],
            [_measure_row(m) for m in own],
        )
    return (
        f'<article class="family" id="family-{e(name)}"><h3>{e(title)}</h3>'
        f"{_table(head, rows)}{charts}</article>"
    )


def _expected(decision: Decision, v: Mapping[str, Any]) -> str:
    """A violation's expected value as a sentence; the raw value in the title."""
    measures = view.details(decision).get("measures") or []
    feature = _feature(measures, str(v["control"]), str(v.get("evidence") or ""))
    words = sentences.expected(v.get("expected"), feature)
    return f'<td class="expected" title="{e(v.get("expected"))}">{e(words)}</td>'


def findings_section(decision: Decision) -> str:
    out = ""
    if decision.violations:
        rows = [
            f'<tr class="violation" data-control="{e(v["control"])}"><td class="id">'
            f"<b>{e(v['control'])}</b></td><td>{e(v['severity'])}</td><td>{e(v['message'])}</td>"
            f'{_expected(decision, v)}<td class="val">{e(v.get("actual"))}</td>'
            f"<td>{_where(decision, v.get('evidence'))}</td></tr>"
            for v in decision.violations
        ]
        head = ["Control", "Severity", "Finding", "Expected", "Actual", "Evidence"]
        out += f"<h3>Findings ({len(rows)})</h3>" + _table(head, rows, "violations")
    if decision.missing_evidence:
        rows = [
            f'<tr class="missing" data-control="{e(m["control"])}"><td class="id">'
            f"<b>{e(m['control'])}</b></td><td>{_where(decision, m['path'])}</td>"
            f"<td>{e(m.get('message', ''))}</td></tr>"
            for m in decision.missing_evidence
        ]
        out += "<h3>Missing evidence</h3>" + _table(
            ["Control", "Missing at", "Why"], rows, "missing"
        )
    if decision.waivers_applied:
        rows = [
            f"<tr><td><b>{e(w['control'])}</b></td><td>{e(w['ticket'])}</td>"
            f"<td>{e(w['approver'])}</td><td>{e(w['expires_at'])}</td><td>{e(w['reason'])}</td></tr>"
            for w in decision.waivers_applied
        ]
        head = ["Control", "Ticket", "Approver", "Expires", "Reason"]
        out += "<h3>Accepted risks (waivers)</h3>" + _table(head, rows, "waivers")
    if not out:
        out = "<p>No findings: every control passed.</p>"
    return f'<section id="findings"><h2>What blocks the release</h2>{out}</section>'


def vulnerabilities_section(decision: Decision) -> str:
    info = (view.details(decision).get("evidence") or {}).get("vulnerabilities")
    if not isinstance(info, dict):
        return ""
    counts = {k: int(v) for k, v in (info.get("by_severity") or {}).items()}
    limits = {
        str(m.get("severity")): m["threshold"]
        for m in view.details(decision).get("measures") or []
        if m.get("kind") == "vulnerabilities"
    }
    rows = [
        f'<tr data-severity="{e(sev)}" data-count="{n}"'
        + (f' data-limit="{svg.num(limits[sev])}"' if sev in limits else "")
        + f'><td>{e(sev)}</td><td class="num">{n}</td>'
        f'<td class="num">{svg.num(limits[sev]) if sev in limits else "no limit"}</td></tr>'
        for sev, n in counts.items()
    ]
    scans = ", ".join(
        f"{s.get('tool', '?')} on {s.get('target', '?')} at {s.get('completed_at', '?')}"
        for s in info.get("scans") or []
    )
    return (
        '<section id="vulnerabilities"><h2>Known vulnerabilities by severity</h2>'
        f"{svg.severity_bars(counts, limits)}"
        f"{_table(['Severity', 'Found', 'Tier maximum'], rows, 'vuln-counts')}"
        f'<p class="legend">{info.get("total", 0)} in total; scans: {e(scans or "none")}</p>'
        "</section>"
    )


def evidence_section(decision: Decision) -> str:
    ev = view.details(decision).get("evidence") or {}
    files = view.details(decision).get("facts_files") or []
    sources = [
        f"<tr><td>{e(s['tool'])}</td><td><code>{e(s['where'])}</code></td>"
        f"<td>{e(s.get('collected_at') or '-')}</td><td>{e(', '.join(s['sections']))}</td></tr>"
        for s in ev.get("sources") or []
    ]
    digests = [
        f"<tr><td>{e(d['label'])}</td><td><code>{e(d['pointer'])}</code></td>"
        f'<td><code class="digest">{e(d["digest"])}</code></td></tr>'
        for d in ev.get("digests") or []
    ]
    if not (sources or digests or files):
        return ""
    out = f"<p>Facts files: {e(', '.join(files) or '-')}; facts digest "
    out += f"<code>{e(decision.document.get('input_digest', ''))}</code>.</p>"
    if sources:
        head = ["Tool", "Where", "Collected at", "Backs"]
        out += "<h3>Sources</h3>" + _table(head, sources, "sources")
    if digests:
        out += "<h3>Pinned artifacts</h3>" + _table(["What", "Fact", "Digest"], digests, "digests")
    return f'<section id="evidence"><h2>Evidence</h2>{out}</section>'


def history_section(decision: Decision) -> str:
    """The model's past decisions from the log, newest first; this one marked."""
    history = decision.document.get("history")
    if not isinstance(history, list) or not history:
        return ""
    rows = []
    for h in history:
        current = h.get("decision_id") == decision.decision_id
        mark = ' class="current"' if current else ""
        outcome = str(h.get("outcome") or "")
        rows.append(
            f'<tr{mark} data-decision="{e(h.get("decision_id") or "")}">'
            f'<td class="mono">{e(h.get("time") or "")}</td><td>{e(h.get("version") or "")}</td>'
            f'<td><span class="pill {e(outcome)}">{e(view.VERDICT.get(outcome, outcome))}</span>'
            f"{' (this report)' if current else ''}</td>"
            f"<td>{e(h.get('bundle_revision') or '')}</td>"
            f'<td class="mono">{e(h.get("decision_id") or "")}</td></tr>'
        )
    table = _table(["Time", "Version", "Outcome", "Bundle", "Decision id"], rows, "history")
    return (
        '<section id="history-section"><h2>Decision history of this model</h2>'
        f"<p>The last {len(history)} decisions the decision log holds for "
        f"{e(decision.subject.get('name', '?'))}, newest first "
        "(<code>mlgate log verify</code> checks that the log is intact).</p>"
        f"{table}</section>"
    )
