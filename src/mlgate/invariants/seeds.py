"""Starting facts for the invariant checks: golden case files and the metric registry.

A case file (as ``mlgate bundle test`` reads it) gives its ``facts``. The
registry gives one document per risk tier with every canonical metric at a
value inside its range, so that a bundle without case files is still
exercised on the metrics it knows. Facts without ``context.evaluated_at`` get
a fixed one: a check must not depend on the wall clock.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgate.errors import MlgateError
from mlgate.facts.load import load_document
from mlgate.facts.metrics import METRICS, MetricSpec

EVALUATED_AT = "2026-01-01T00:00:00Z"


@dataclass(frozen=True)
class Seed:
    name: str
    facts: dict[str, Any]


def case_seeds(paths: Sequence[Path]) -> list[Seed]:
    """The facts of each case file (files that cannot be read or have none are skipped)."""

    seeds = []
    for path in paths:
        try:
            case = load_document(path)
        except MlgateError:
            continue
        facts = case.get("facts")
        if isinstance(facts, dict):
            seeds.append(Seed(str(case.get("name") or path.stem), _dated(facts)))
    return seeds


def registry_seeds() -> list[Seed]:
    metrics = [{"name": spec.name, "value": _inside(spec)} for spec in METRICS]
    return [
        Seed(
            f"registry-{tier}",
            {
                "apiVersion": "mlgate/v1",
                "kind": "ModelFacts",
                "subject": {"name": "invariants", "version": "1", "risk_tier": tier},
                "metrics": copy.deepcopy(metrics),
                "context": {"evaluated_at": EVALUATED_AT},
            },
        )
        for tier in ("low", "medium", "high")
    ]


def _inside(spec: MetricSpec) -> float:
    low = spec.minimum if math.isfinite(spec.minimum) else None
    high = spec.maximum if math.isfinite(spec.maximum) else None
    if low is not None and high is not None:
        return (low + high) / 2
    if low is not None:
        return low + 10.0
    return (high if high is not None else 1.0) - 0.5


def _dated(facts: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(facts)
    context = out.get("context")
    if context is None:
        out["context"] = {"evaluated_at": EVALUATED_AT}
    elif isinstance(context, dict):
        context.setdefault("evaluated_at", EVALUATED_AT)
    return out
