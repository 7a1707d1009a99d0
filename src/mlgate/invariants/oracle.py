"""Evaluate facts for the invariant checks: the decision reduced to what they compare.

Facts are normalised as ``mlgate check`` does. A mutation that makes them
invalid is no test: ``valid`` says so, and is asked only about the (few)
pairs that look broken, since schema validation costs far more than an
evaluation. Answers are cached by the canonical JSON of the facts: shrinking
asks the same thing often. An engine error is an outcome of its own
(``"error"``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mlgate.canonical import canonical_json
from mlgate.decisions.evaluate import check_policy_result, prepare_input
from mlgate.engine.base import DECISION_QUERY
from mlgate.errors import MlgateError
from mlgate.facts.normalize import normalize
from mlgate.facts.validate import validate

if TYPE_CHECKING:
    from mlgate.bundles.model import Bundle
    from mlgate.engine.base import Engine


@dataclass(frozen=True)
class Verdict:
    outcome: str
    violations: frozenset[tuple[str, str, str]]  # (control, rule, evidence)
    required: tuple[tuple[str, float], ...]  # (role, count) still outstanding
    error: str = ""

    @property
    def required_counts(self) -> dict[str, float]:
        counts: dict[str, float] = {}
        for role, count in self.required:
            counts[role] = max(count, counts.get(role, 0))
        return counts

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {"outcome": self.outcome}
        if self.violations:
            out["violations"] = sorted(f"{c} {r} at {e or '-'}" for c, r, e in self.violations)
        if self.required:
            out["required_approvals"] = {r: c for r, c in sorted(self.required_counts.items())}
        if self.error:
            out["error"] = self.error
        return out


class Oracle:
    """Answers ``verdict(facts)`` with one engine over one bundle."""

    def __init__(self, bundle: Bundle, engine: Engine) -> None:
        self.bundle, self.engine = bundle, engine
        self.evaluations = 0
        self._cache: dict[bytes, Verdict] = {}
        self._valid: dict[bytes, bool] = {}

    def valid(self, facts: dict[str, Any]) -> bool:

        key = canonical_json(facts)
        if key not in self._valid:
            try:
                self._valid[key] = validate(facts).ok
            except Exception:  # a validator crash on odd facts: not this check's subject
                self._valid[key] = False
        return self._valid[key]

    def verdict(self, facts: dict[str, Any]) -> Verdict:
        key = canonical_json(facts)
        if key not in self._cache:
            self._cache[key] = self._decide(facts)
        return self._cache[key]

    def _decide(self, facts: dict[str, Any]) -> Verdict:

        self.evaluations += 1
        try:
            raw = self.engine.evaluate(DECISION_QUERY, prepare_input(normalize(facts)))
            policy = check_policy_result(raw, self.engine.info.name)
        except MlgateError as exc:
            return Verdict("error", frozenset(), (), exc.message)
        violations = frozenset(
            (str(v.get("control")), str(v.get("rule", "")), str(v.get("evidence", "")))
            for v in policy.get("violations", [])
        )
        required = tuple(
            (str(r.get("role")), float(r.get("count", 0)))
            for r in policy.get("required_approvals", [])
        )
        return Verdict(str(policy["outcome"]), violations, required)
