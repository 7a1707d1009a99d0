"""What every report format shows, computed once from a decision.

Formats differ in syntax only: the control list (from ``details`` when the
decision has them, else from the control ids the decision names), the verdict
in plain words, where a finding points, and how to give a missing approval.
"""

from __future__ import annotations

import json
from typing import Any

from mlgate.decisions.model import Decision
from mlgate.explain.details import controls_named_in

VERDICT = {
    "pass": "PASS",
    "fail": "FAIL",
    "needs_approval": "NEEDS APPROVAL",
    "insufficient_evidence": "INSUFFICIENT EVIDENCE",
}
STATUS = {
    "pass": "pass",
    "fail": "fail",
    "missing_evidence": "missing evidence",
    "approval_required": "approval required",
    "waived": "waived",
    "not_applicable": "not applicable",
}


def details(decision: Decision) -> dict[str, Any]:
    value = decision.document.get("details")
    return value if isinstance(value, dict) else {}


def enforced(decision: Decision) -> bool:
    return details(decision).get("enforced") is not False


def controls(decision: Decision) -> list[dict[str, Any]]:
    """Every control: the bundle's (with status) or, without details, the ones named."""
    found = details(decision).get("controls")
    if isinstance(found, list) and found:
        return [c for c in found if isinstance(c, dict)]

    return controls_named_in(decision.document, set())


def subject_name(decision: Decision) -> str:
    s = decision.subject
    return f"{s.get('name', '?')} {s.get('version', '')}".strip()


def value_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def location(decision: Decision, pointer: str | None) -> tuple[str, int] | None:
    """The facts file and line of ``pointer`` (nearest ancestor known), if recorded."""
    found = details(decision).get("locations")
    if not isinstance(found, dict) or not pointer:
        return None
    probe = pointer
    while probe:
        hit = found.get(probe)
        if isinstance(hit, dict) and isinstance(hit.get("file"), str):
            return hit["file"], int(hit.get("line") or 1)
        probe = probe.rsplit("/", 1)[0]
    return None


def rule_location(control: dict[str, Any] | None) -> tuple[str, int] | None:
    rules = (control or {}).get("rules") or []
    if rules and isinstance(rules[0], dict) and rules[0].get("file"):
        return str(rules[0]["file"]), int(rules[0].get("line") or 1)
    return None


def by_id(decision: Decision) -> dict[str, dict[str, Any]]:
    return {str(c["id"]): c for c in controls(decision)}


def logged(decision: Decision) -> bool:
    """False for ``check --no-log``: no decision log holds it, so none can approve it."""
    return details(decision).get("logged") is not False


def approve_command(decision: Decision, role: str) -> str:
    if not logged(decision):
        return (
            "mlgate check without --no-log (this decision was not recorded), then "
            f"mlgate approve DECISION_ID --role {role} --as PRINCIPAL --key PRINCIPAL_KEY"
        )
    return (
        f"mlgate approve {decision.decision_id or 'DECISION_ID'} --role {role} "
        "--as PRINCIPAL --key PRINCIPAL_KEY"
    )


def plain_words(decision: Decision) -> str:
    """The verdict and why, for a reader who does not read Rego."""
    name, n_viol = subject_name(decision), len(decision.violations)
    failing = sorted({str(v["control"]) for v in decision.violations})
    missing = sorted({str(m["control"]) for m in decision.missing_evidence})
    if decision.outcome == "fail":
        text = (
            f"{name} may not be released: {n_viol} finding(s) break "
            f"{len(failing)} control(s) ({', '.join(failing)})."
        )
    elif decision.outcome == "insufficient_evidence":
        text = (
            f"{name} cannot be certified yet: the evidence for {len(missing)} control(s) "
            f"({', '.join(missing)}) is missing. Nothing failed; the gap must be filled."
        )
    elif decision.outcome == "needs_approval":
        roles = ", ".join(
            f"{a['role']} ({a.get('given', 0)} of {a['count']})"
            for a in decision.required_approvals
        )
        text = f"The evidence for {name} meets every control; it now needs sign-off: {roles}."
    else:
        text = f"{name} meets every control of the policy and its approvals are complete."
    waived = decision.waivers_applied
    if waived:
        text += f" {len(waived)} waiver(s) accepted a known risk."
    if not enforced(decision):
        text += " The gate ran in report-only mode: this outcome was not enforced."
    return text
