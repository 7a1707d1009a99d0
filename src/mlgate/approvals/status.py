"""``mlgate status DECISION_ID``: the approvals a decision required and those given since.

Given = records that verify, are bound to the decision's evidence and bundle
and have not expired, counted once per principal and role. The policy's
separation-of-duties rules (author, actor, one role per principal) apply at the
next ``mlgate check``; status says which records do not count and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mlgate.approvals.record import Binding
from mlgate.approvals.verify import binding_problem, expiry_problem, trust_problem
from mlgate.exitcodes import ExitCode
from mlgate.facts.normalize import fold
from mlgate.logstore.lookup import approval_records, find_decision

if TYPE_CHECKING:
    from mlgate.approvals.principals import Principals
    from mlgate.logstore.base import LogStore


@dataclass
class Status:
    decision: dict[str, Any]
    required: list[dict[str, Any]]
    given: dict[str, list[str]] = field(default_factory=dict)
    rejections: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> ExitCode:
        if self.rejections:
            return ExitCode.FAIL
        short = [r for r in self.required if len(self.given.get(r["role"], [])) < r["count"]]
        return ExitCode.NEEDS_APPROVAL if short else ExitCode.PASS

    def lines(self) -> list[str]:
        d = self.decision
        subject = d.get("subject") or {}
        bundle = d.get("bundle") or {}
        out = [
            f"decision {d.get('decision_id')}: {subject.get('name')} {subject.get('version')} "
            f"({d.get('risk_tier') or 'no tier'}) was {d.get('outcome')}",
            f"bundle revision {bundle.get('revision')!r} {bundle.get('digest')}",
            f"evidence {d.get('evidence_digest')}",
        ]
        if not self.required:
            out.append("no approvals were required")
        for r in self.required:
            who = self.given.get(r["role"], [])
            mark = "ok" if len(who) >= r["count"] else "missing"
            names = f" ({', '.join(who)})" if who else ""
            out.append(f"  {mark:7} {r['role']}: required {r['count']}, given {len(who)}{names}")
        out += [f"  rejected by {who}" for who in self.rejections]
        out += [f"  not counted: {why}" for why in self.ignored]
        out.append("run `mlgate check` again to apply them (separation of duties is checked there)")
        return out


def status(
    store: LogStore, principals: Principals | None, decision_id: str, now: datetime
) -> Status:
    decision = find_decision(store, decision_id)["decision"]
    binding = Binding.of_decision(decision)
    required = [
        {"role": fold(str(r["role"])), "count": int(r["count"])}
        for r in decision.get("required_approvals") or []
    ]
    result = Status(decision, required)
    for stored in approval_records(store, decision.get("subject") or {}):
        p = stored.record["payload"]
        if principals is None:
            reason: str | None = "no principals file is configured to verify it"
        else:
            reason = (
                binding_problem(p, binding)
                or trust_problem(stored.record, principals)
                or expiry_problem(p, now)
            )
        label = f"{p['principal']} ({p['decision']} as {p['role']}, {p['at']})"
        if reason:
            result.ignored.append(f"{label}: {reason}")
        elif p["decision"] == "reject":
            result.rejections.append(label)
        elif p["principal"] not in result.given.setdefault(p["role"], []):
            result.given[p["role"]].append(p["principal"])
    return result
