"""``--format github``: workflow-command annotations and a job summary.

Each violation and each missing evidence is an ``::error`` annotation on the
facts file and line of its evidence (else on the Rego rule); outstanding
approvals and applied waivers are ``::notice``. When ``GITHUB_STEP_SUMMARY``
is set, the Markdown report is appended to that file (see ``appends``).

Escaping follows the runner's rules: in the message ``%``, CR and LF become
``%25``, ``%0D``, ``%0A``; in properties ``:`` and ``,`` also become ``%3A``
and ``%2C``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.report import view
from mlgate.report.markdown import MarkdownFormatter

if TYPE_CHECKING:
    from mlgate.decisions.model import Decision


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, **props: str | int | None) -> str:
    shown = ",".join(
        f"{k}={escape_property(str(v))}" for k, v in props.items() if v not in (None, "")
    )
    return f"::{kind}{' ' + shown if shown else ''}::{escape_data(message)}"


def _place(
    decision: Decision, pointer: str | None, control: dict[str, Any] | None
) -> dict[str, str | int | None]:
    found = view.location(decision, pointer) or view.rule_location(control)
    return {"file": found[0], "line": found[1]} if found else {}


class GithubFormatter:
    def __init__(self, step_summary: str | None = None) -> None:
        self.step_summary = step_summary

    def render(self, decision: Decision) -> str:
        controls = view.by_id(decision)
        lines = []
        for v in decision.violations:
            cid = v["control"]
            title = f"{cid} {controls.get(cid, {}).get('title', '')}".strip()
            message = (
                f"{v['message']} (expected {view.value_text(v.get('expected'))}, "
                f"actual {view.value_text(v.get('actual'))})"
            )
            where = _place(decision, v.get("evidence"), controls.get(cid))
            lines.append(command("error", message, **where, title=title))
        for m in decision.missing_evidence:
            cid = m["control"]
            title = f"{cid} missing evidence"
            message = f"missing evidence at {m['path']}: {m.get('message', '')}".rstrip(": ")
            lines.append(
                command("error", message, **_place(decision, m["path"], None), title=title)
            )
        for a in decision.required_approvals:
            message = f"{a['reason']}. Give it with: {view.approve_command(decision, a['role'])}"
            title = f"approval required: {a['role']}"
            lines.append(
                command("notice", message, **_place(decision, "/approvals", None), title=title)
            )
        for w in decision.waivers_applied:
            message = (
                f"waived until {w['expires_at']} ({w['ticket']}, {w['approver']}): {w['reason']}"
            )
            lines.append(command("notice", message, title=f"{w['control']} waived"))
        verdict = view.VERDICT[decision.outcome]
        lines.append(f"mlgate: {verdict}: {view.plain_words(decision)}")
        return "\n".join(lines) + "\n"

    def appends(self, decision: Decision) -> list[tuple[Path, str]]:
        """The job summary to append to ``$GITHUB_STEP_SUMMARY``, when it is set."""
        if not self.step_summary:
            return []

        return [(Path(self.step_summary), MarkdownFormatter().render(decision))]
