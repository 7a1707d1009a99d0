"""``--format text`` of a monitoring decision: the decision's text, then its actions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mlgate.report.text import TextFormatter

if TYPE_CHECKING:
    from mlgate.decisions.model import Decision


def action_line(action: dict[str, Any]) -> str:
    """``rollback  owner X (bundle default), by T (4 h); approvals ml_lead x1  [MLG-MON-002]``."""
    owner = f"owner {action['owner']} ({action.get('owner_from', '?')})"
    hours = action.get("sla_hours")
    when = f"by {action['deadline']} ({hours:g} h)" if action.get("deadline") else "no deadline"
    approvals = ", ".join(f"{a['role']} x{a['count']}" for a in action.get("approvals", []))
    needs = f"; {action.get('approvals_for', 'it')} needs {approvals}" if approvals else ""
    controls = ", ".join(action.get("controls", []))
    return f"  > {action['action']:<11} {owner}, {when}{needs}  [{controls}]"


class MonitoringTextFormatter:
    """The text report with a line per remediation action."""

    def __init__(self, *, color: bool = False) -> None:
        self._text = TextFormatter(color=color)

    def render(self, decision: Decision) -> str:
        text = self._text.render(decision)
        actions = decision.document.get("actions") or []
        if not actions:
            return text
        return text + "".join(action_line(a) + "\n" for a in actions)
