"""The part of a decision impact analysis compares, and the documents it evaluates.

A ``Verdict`` is the outcome and the sorted control ids / roles of the
violations, missing evidence and required approvals; ``differences`` says what
changes between two (``bundle diff``'s impact and ``recertify`` both use it). ``verdict_of`` checks
just the fields it reads (a policy answer without them is an error verdict,
never a silent pass) rather than the whole decision schema: impact analysis
evaluates thousands of documents twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mlgate.engine.base import DECISION_QUERY
from mlgate.errors import InputError, MlgateError
from mlgate.facts.load import load_document

if TYPE_CHECKING:
    from mlgate.engine.base import Engine

OUTCOMES = frozenset({"pass", "fail", "needs_approval", "insufficient_evidence"})
_LISTS: tuple[tuple[str, str], ...] = (
    ("violations", "control"),
    ("missing_evidence", "control"),
    ("required_approvals", "role"),
)


@dataclass(frozen=True)
class Verdict:
    outcome: str
    violations: tuple[str, ...] = ()
    missing_evidence: tuple[str, ...] = ()
    required_approvals: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "violations": list(self.violations),
            "missing_evidence": list(self.missing_evidence),
            "required_approvals": list(self.required_approvals),
        }

    def differences(self, other: Verdict) -> list[str]:
        """What changes from this verdict to ``other``, one line per field that does:
        ``outcome pass → fail``, ``violations +MLG-PERF-001 -MLG-SEC-002`` (the comparison
        ``bundle diff`` and ``recertify`` both report)."""
        out = []
        if self.outcome != other.outcome:
            out.append(f"outcome {self.outcome} → {other.outcome}")
        for name, _ in _LISTS:
            before, after = set(getattr(self, name)), set(getattr(other, name))
            delta = [f"+{x}" for x in sorted(after - before)]
            delta += [f"-{x}" for x in sorted(before - after)]
            if delta:
                out.append(f"{name} {' '.join(delta)}")
        return out

    def gains(self, other: Verdict) -> bool:
        """``other`` holds a violation, missing evidence or required approval this one does not."""
        return any(set(getattr(other, name)) - set(getattr(self, name)) for name, _ in _LISTS)

    @classmethod
    def from_decision(cls, doc: dict[str, Any]) -> Verdict | str:
        """The verdict of a decision document; a string saying what is wrong otherwise."""
        if doc.get("outcome") not in OUTCOMES:
            return f"error: outcome {doc.get('outcome')!r} is not a decision outcome"
        lists: dict[str, tuple[str, ...]] = {}
        for name, key in _LISTS:
            items = doc.get(name)
            if not isinstance(items, list) or not all(
                isinstance(i, dict) and isinstance(i.get(key), str) for i in items
            ):
                return f"error: {name} is not a list of objects with a {key}"
            lists[name] = tuple(sorted({i[key] for i in items}))
        return cls(str(doc["outcome"]), **lists)


@dataclass(frozen=True)
class Item:
    """One document to evaluate: a facts path or document, and where it came from."""

    label: str
    path: str = ""
    document: dict[str, Any] | None = None
    evaluated_at: str | None = None
    logged: Verdict | None = None  # the logged decision's verdict …
    logged_digest: str = ""  # … and the digest of the bundle that made it

    def facts(self) -> dict[str, Any]:
        if self.document is not None:
            return self.document

        doc = load_document(self.path)
        if not isinstance(doc, dict):
            raise InputError(f"{self.path}: a facts document is an object")
        return doc


def verdict_of(engine: Engine, engine_input: dict[str, Any]) -> Verdict | str:

    try:
        raw = engine.evaluate(DECISION_QUERY, engine_input)
    except MlgateError as exc:
        return f"error: {exc.message}"
    if not isinstance(raw, dict):
        return f"error: {DECISION_QUERY} is a {type(raw).__name__}, not a decision"
    return Verdict.from_decision(raw)
