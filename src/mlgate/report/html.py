"""``--format html``: the certification report, one self-contained file.

For a risk officer: the verdict and why in plain words, each control family
with its thresholds against the actual values (inline SVG), the findings and
missing evidence, the evidence sources with their digests, the approvals
required and given, and the provenance (decision id, bundle revision and
digest, input digest, engine), and the model's decision history when the
decision log holds one. No script, no external resource; a
Content-Security-Policy forbids any load. Sections render from what the
decision holds: without ``details`` the report shows the findings only.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from mlgate.report import view
from mlgate.report._html_approvals import approvals_section
from mlgate.report._html_parts import (
    evidence_section,
    family_section,
    findings_section,
    history_section,
    vulnerabilities_section,
)
from mlgate.report._style import CSS

if TYPE_CHECKING:
    from mlgate.decisions.model import Decision

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
_ORDER = ("fail", "missing_evidence", "approval_required", "waived", "pass", "not_applicable")


def e(value: Any) -> str:
    return escape(value if isinstance(value, str) else view.value_text(value))


def _header(decision: Decision) -> str:
    doc = decision.document
    outcome = decision.outcome
    tier = doc.get("risk_tier") or "unknown"
    banner = (
        ""
        if view.enforced(decision)
        else '<p class="banner" id="report-only"><b>Report-only:</b> enforcement was off; '
        "this outcome was recorded but did not block the pipeline.</p>"
    )
    return (
        f'<header class="verdict {e(outcome)}"><div class="badge" id="outcome" '
        f'data-outcome="{e(outcome)}">{e(view.VERDICT[outcome])}</div><div>'
        f'<h1 id="subject">{e(view.subject_name(decision))}</h1>'
        f'<p class="meta">risk tier <b id="tier">{e(tier)}</b> · evaluated at '
        f'<span id="evaluated-at">{e(doc.get("evaluated_at", ""))}</span></p></div></header>'
        f'<p class="plain" id="plain-words">{e(view.plain_words(decision))}</p>{banner}'
    )


def _counts(decision: Decision, controls: list[dict[str, Any]]) -> str:
    """One chip per status: how many controls are in it, except the approvals chip, which
    counts the roles whose sign-off is outstanding (as the text verdict does)."""
    items = []
    for status in _ORDER:
        if status == "approval_required":
            n = len(decision.required_approvals)
            label = "approval required" if n == 1 else "approvals required"
        else:
            n = sum(1 for c in controls if c.get("status") == status)
            label = view.STATUS[status]
        items.append(f'<li><b data-status="{status}" class="count">{n}</b>{e(label)}</li>')
    return f'<ul class="counts" id="status-counts">{"".join(items)}</ul>'


def _families(decision: Decision, controls: list[dict[str, Any]]) -> str:
    groups: dict[str, list[dict[str, Any]]] = {}
    for c in controls:
        groups.setdefault(str(c.get("family") or "other"), []).append(c)
    measures = view.details(decision).get("measures") or []
    parts = [family_section(decision, name, members, measures) for name, members in groups.items()]
    joined = "\n".join(parts)
    return f'<section id="families"><h2>Controls by family</h2>\n{joined}\n</section>'


def _provenance(decision: Decision) -> str:
    doc = decision.document
    bundle, engine = doc.get("bundle") or {}, doc.get("engine") or {}
    rows = [
        ("Decision id", "decision-id", decision.decision_id),
        ("Outcome", "prov-outcome", decision.outcome),
        ("Evaluated at", "prov-evaluated-at", doc.get("evaluated_at", "")),
        ("Bundle revision", "bundle-revision", bundle.get("revision") or "(none)"),
        ("Bundle digest", "bundle-digest", bundle.get("digest", "")),
        ("Bundle source", "bundle-source", bundle.get("source", "")),
        ("Input digest", "input-digest", doc.get("input_digest", "")),
        ("Engine", "engine", f"{engine.get('name', '?')} {engine.get('version', '')}".strip()),
        ("Thresholds", "thresholds-path", view.details(decision).get("thresholds_path") or "-"),
        ("Schema", "schema-version", doc.get("schema_version", "")),
    ]
    items = "".join(
        f'<dt>{e(label)}</dt><dd class="mono" id="{ident}">{e(value)}</dd>'
        for label, ident, value in rows
    )
    return f'<section id="provenance"><h2>Provenance</h2><dl class="prov">{items}</dl></section>'


class HtmlFormatter:
    def render(self, decision: Decision) -> str:
        controls = view.controls(decision)
        body = "\n".join(
            [
                _header(decision),
                _counts(decision, controls),
                findings_section(decision),
                approvals_section(decision),
                _families(decision, controls),
                vulnerabilities_section(decision),
                evidence_section(decision),
                history_section(decision),
                _provenance(decision),
            ]
        )
        title = f"mlgate certification report: {view.subject_name(decision)}"
        return (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{e(title)}</title><style>{CSS}</style></head><body><main>{body}"
            "<footer>Generated by mlgate from the decision document; every number shown is "
            "copied from the decision, the facts or the policy bundle's thresholds.</footer>"
            "</main></body></html>\n"
        )
