"""The four metamorphic relations, as mutations of a facts document.

Each ``Mutation`` changes one thing at ``target`` and says, from the verdicts
before and after, whether its invariant broke. Targets are paths, so that
shrinking can delete other nodes and keep the mutation pointing at the same
fact (``moved``).

What counts as *evidence* to remove: any node of the facts except ``context``
(it sets the evaluation time) and findings whose removal rightly helps: the
``security.vulnerabilities`` list and its items, rejections in ``approvals``,
list items that record a failed check (``passed: false``), and an item of an
open-ended result list (fairness per sensitive feature, robustness tests,
checks, datasets, artifacts, scans) that a violation cites while other items
remain: the gate cannot know which results were left out. Nor is a field that
says *which* fact an item is (``merge.IDENTITY``: a metric's ``slice``, an
approval's ``role``): without it the item claims something else. Removing the
``passed`` field of a failed check, the last item of such a list, or a metric
(metrics are named by the thresholds) is tested: absent is not good.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from mlgate.facts.merge import IDENTITY
from mlgate.facts.metrics import lookup
from mlgate.invariants.oracle import Verdict
from mlgate.invariants.paths import Path, delete, get, has, pointer, shift, walk

INVARIANTS = {
    "improve": "improving a metric in its good direction never turns pass into fail",
    "remove": "removing a piece of evidence never turns fail or insufficient_evidence into pass",
    "approve": "adding an approval never removes a violation",
    "tier": "raising the risk tier never reduces the required approvals",
}
TIERS = ("low", "medium", "high")
_NOT_EVIDENCE: tuple[Path, ...] = (("apiVersion",), ("kind",), ("context",))
_FINDINGS: tuple[Path, ...] = (("security", "vulnerabilities"),)
_NAMED_LISTS: tuple[Path, ...] = (("metrics",), ("change", "baseline_metrics"))


@dataclass(frozen=True)
class Mutation:
    invariant: str
    target: Path
    change: str
    value: Any = None

    def apply(self, doc: dict[str, Any]) -> dict[str, Any] | None:
        if self.invariant == "remove":
            return delete(doc, self.target) if has(doc, self.target) else None
        out = copy.deepcopy(doc)
        if self.invariant == "approve":
            approvals = out.setdefault("approvals", [])
            if not isinstance(approvals, list):
                return None
            approvals.append(copy.deepcopy(self.value))
            return out
        if not has(out, self.target[:-1]) or not isinstance(get(out, self.target[:-1]), dict):
            return None
        get(out, self.target[:-1])[self.target[-1]] = self.value
        return out

    @property
    def signature(self) -> str:
        """What kind of change this is, whatever the seed: findings are grouped by it."""
        if self.invariant == "remove":
            return "removed " + pointer(
                tuple("*" if isinstance(p, int) else p for p in self.target)
            )
        if self.invariant == "improve":
            return self.change.split(" ", 1)[0] + " improved"
        if self.invariant == "approve":
            return f"approval as {self.value.get('role')}"
        return self.change

    def moved(self, deleted: Path) -> Mutation:
        return replace(self, target=shift(self.target, deleted)) if self.target else self

    def protects(self, path: Path) -> bool:
        """Shrinking must not delete ``path``: it is (or holds) what this mutation changes."""
        return self.invariant != "approve" and self.target[: len(path)] == path

    def broken(self, before: Verdict, after: Verdict) -> bool:
        if self.invariant == "improve":
            return before.outcome == "pass" and after.outcome == "fail"
        if self.invariant == "remove":
            return before.outcome in ("fail", "insufficient_evidence") and after.outcome == "pass"
        if self.invariant == "approve":
            return bool(before.violations - after.violations)
        was, now = before.required_counts, after.required_counts
        return any(now.get(role, 0) < count for role, count in was.items())


def mutations(doc: dict[str, Any], before: Verdict, roles: list[str]) -> Iterator[Mutation]:
    if before.outcome == "pass":
        yield from _improvements(doc)
    if before.outcome in ("fail", "insufficient_evidence"):
        yield from _removals(doc, {e for _, _, e in before.violations})
    if before.violations:
        yield from _approvals(doc, before, roles)
    if before.required:
        yield from _tiers(doc)


def _improvements(doc: dict[str, Any]) -> Iterator[Mutation]:
    items = doc.get("metrics")
    for i, item in enumerate(items if isinstance(items, list) else []):
        name, value = _get(item, "name"), _get(item, "value")
        spec = lookup(name) if isinstance(name, str) else None
        if spec is None or not _number(value) or not math.isfinite(value):
            continue
        bound = spec.maximum if spec.direction == "higher" else spec.minimum
        if math.isfinite(bound):
            steps = [value + (bound - value) / 2, bound]
        else:
            steps = [value + 1.0 if spec.direction == "higher" else value - 1.0]
        for new in dict.fromkeys(steps):
            if new != value:
                change = f"{name} {value} -> {new} ({spec.direction} is better)"
                yield Mutation("improve", ("metrics", i, "value"), change, new)


def _removals(doc: dict[str, Any], cited: set[str]) -> Iterator[Mutation]:
    for path, node in walk(doc):
        if any(path[: len(p)] == p for p in _NOT_EVIDENCE + _FINDINGS):
            continue
        if _failed_result(doc, path, cited) or _identity_field(path):
            continue
        if (
            isinstance(path[-1], int)
            and isinstance(node, dict)
            and (
                node.get("passed") is False
                or (path[0] == "approvals" and node.get("decision") == "reject")
            )
        ):
            continue
        yield Mutation("remove", path, f"removed {pointer(path)}")


def _failed_result(doc: dict[str, Any], path: Path, cited: set[str]) -> bool:
    """An item of an open-ended result list, cited by a violation, with siblings left."""
    if not isinstance(path[-1], int) or path[:-1] in _NAMED_LISTS:
        return False
    here = pointer(path)
    siblings = get(doc, path[:-1])
    return len(siblings) > 1 and any(e == here or e.startswith(here + "/") for e in cited)


def _identity_field(path: Path) -> bool:
    """A field (or part of one) naming which fact a list item is; any field of an approval."""
    if path[0] == "approvals" and len(path) > 2:
        return True
    for k in range(2, len(path)):
        owner = tuple(str(p) for p in path[: k - 1])
        if isinstance(path[k - 1], int) and path[k] in IDENTITY.get(owner, ()):
            return True
    return False


def _approvals(doc: dict[str, Any], before: Verdict, roles: list[str]) -> Iterator[Mutation]:
    subject = doc.get("subject") if isinstance(doc.get("subject"), dict) else {}
    context = doc.get("context") if isinstance(doc.get("context"), dict) else {}
    at = _get(context, "evaluated_at")
    people = ["invariant-approver", _get(subject, "author"), _get(subject, "owner")]
    for role in dict.fromkeys([*roles, *before.required_counts]):
        for principal in dict.fromkeys(p for p in people if isinstance(p, str) and p):
            approval = {"role": role, "principal": principal, "decision": "approve"}
            if isinstance(at, str):
                approval["at"] = at
            yield Mutation("approve", (), f"added an approval by {principal} as {role}", approval)


def _tiers(doc: dict[str, Any]) -> Iterator[Mutation]:
    tier = _get(_get(doc, "subject"), "risk_tier")
    if tier in TIERS:
        for higher in TIERS[TIERS.index(tier) + 1 :]:
            yield Mutation(
                "tier", ("subject", "risk_tier"), f"risk tier {tier} -> {higher}", higher
            )


def _get(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, dict) else None


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
