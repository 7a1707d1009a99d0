"""Run the invariant checks over a bundle and report broken ones with minimal facts."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mlgate.engine.embedded import EmbeddedEngine
from mlgate.invariants.mutate import INVARIANTS, mutations
from mlgate.invariants.oracle import Oracle
from mlgate.invariants.shrink import Broken, reproduce, shrink

if TYPE_CHECKING:
    from mlgate.bundles.model import Bundle
    from mlgate.invariants.seeds import Seed


@dataclass
class Finding:
    """The first broken example of one kind of change (shrunk), and how often it broke."""

    invariant: str
    seed: str
    broken: Broken
    times: int = 1

    def to_json(self) -> dict[str, Any]:
        return {
            "invariant": self.invariant,
            "rule": INVARIANTS[self.invariant],
            "seed": self.seed,
            "change": self.broken.mutation.change,
            "kind": self.broken.mutation.signature,
            "times": self.times,
            "before": self.broken.before.summary(),
            "after": self.broken.after.summary(),
            "facts": self.broken.facts,
        }


@dataclass
class InvariantReport:
    seeds: int = 0
    checked: dict[str, int] = field(default_factory=lambda: dict.fromkeys(INVARIANTS, 0))
    broken: dict[str, int] = field(default_factory=lambda: dict.fromkeys(INVARIANTS, 0))
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # engine errors on valid facts
    evaluations: int = 0

    @property
    def ok(self) -> bool:
        return not self.findings

    def to_json(self) -> dict[str, Any]:
        return {
            "seeds": self.seeds,
            "checked": self.checked,
            "broken": self.broken,
            "evaluations": self.evaluations,
            "findings": [f.to_json() for f in self.findings],
            "engine_errors": self.errors,
        }


def check_invariants(
    bundle: Bundle,
    seeds: Sequence[Seed],
    *,
    timeout: float = 30.0,
    shrinking: bool = True,
    isolate: bool = True,
) -> InvariantReport:
    """Mutate every seed as each invariant says and compare the decisions.

    ``isolate=False`` evaluates in this process: faster, but without ``timeout``
    (see ``EmbeddedEngine``); for trusted bundles only.
    """

    report = InvariantReport(seeds=len(seeds))
    roles = approval_roles(bundle.data)
    kinds: dict[str, Finding] = {}
    with EmbeddedEngine.from_bundle(bundle, timeout=timeout, isolate=isolate) as engine:
        oracle = Oracle(bundle, engine)
        for seed in seeds:
            if not oracle.valid(seed.facts):
                continue
            before = oracle.verdict(seed.facts)
            if before.error:
                report.errors.append(f"{seed.name}: {before.error}")
                continue
            for mutation in mutations(seed.facts, before, roles):
                found = reproduce(oracle, seed.facts, mutation)
                report.checked[mutation.invariant] += 1
                if found is None:
                    continue
                report.broken[mutation.invariant] += 1
                if mutation.signature in kinds:
                    kinds[mutation.signature].times += 1
                    continue
                small = shrink(oracle, found) if shrinking else found
                kinds[mutation.signature] = Finding(mutation.invariant, seed.name, small)
                report.findings.append(kinds[mutation.signature])
        report.evaluations = oracle.evaluations
    return report


def approval_roles(data: dict[str, Any]) -> list[str]:
    """Roles named in ``data.mlgate.thresholds.<tier>.approvals.required`` (if any)."""
    tiers = _at(data, "mlgate", "thresholds")
    roles: list[str] = []
    for tier in tiers.values() if isinstance(tiers, dict) else []:
        for item in _at(tier, "approvals", "required") or []:
            if isinstance(item, dict) and isinstance(item.get("role"), str):
                roles.append(item["role"])
    return list(dict.fromkeys(roles))


def _at(obj: Any, *keys: str) -> Any:
    for key in keys:
        obj = obj.get(key) if isinstance(obj, dict) else None
    return obj


def render_text(report: InvariantReport) -> str:
    lines = []
    for finding in report.findings:
        b = finding.broken
        lines.append(f"BROKEN {finding.invariant}: {INVARIANTS[finding.invariant]}")
        again = f" (and {finding.times - 1} more like it)" if finding.times > 1 else ""
        lines.append(f"  seed {finding.seed}; {b.mutation.change}{again}")
        lines.append(f"  before: {json.dumps(b.before.summary(), sort_keys=True)}")
        lines.append(f"  after:  {json.dumps(b.after.summary(), sort_keys=True)}")
        shown = json.dumps(b.facts, indent=2, sort_keys=True).replace("\n", "\n    ")
        lines.append(f"  minimal facts:\n    {shown}")
    lines += [f"engine error on valid facts: {e}" for e in report.errors]
    counts = ", ".join(
        f"{name} {report.checked[name] - report.broken[name]}/{report.checked[name]}"
        for name in INVARIANTS
    )
    lines.append(f"invariants over {report.seeds} seed(s): {counts} mutations held")
    return "\n".join(lines) + "\n"
