"""Champion/challenger pairs for ``monitoring.canary``: which metric, which values, how much worse.

Each pair holds the champion's and the challenger's value of one canonical
metric and the challenger's ``regression``: how much worse it is in the
metric's direction (``facts.metrics``), computed in exact decimals
(``facts.normalize.degradation``) so that a difference exactly at a margin is
exactly the margin. A negative regression is an improvement. The policy
(MLG-MON-006) compares the regression with the tier's margin.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mlgate.errors import InputError
from mlgate.facts.metrics import lookup
from mlgate.facts.normalize import degradation

Key = tuple[str, str, str]  # name, dataset, split


def pair(name: str, champion: float | None, challenger: float | None) -> dict[str, Any]:
    """One pair; ``regression`` is None when either value is missing."""
    spec = lookup(name)
    if spec is None:
        raise ValueError(f"{name} has no direction in the metric registry")
    regression = None
    if champion is not None and challenger is not None:
        regression = degradation(challenger, champion, spec.direction)
    return {
        "name": spec.name,
        "direction": spec.direction,
        "champion": champion,
        "challenger": challenger,
        "regression": regression,
    }


def metric_pairs(
    champion: dict[str, Any], challenger: dict[str, Any], warnings: list[str]
) -> list[dict[str, Any]]:
    """A pair for every overall measurement of the champion with a direction.

    Measurements match on (name, dataset, split). A champion measurement the
    challenger lacks gets ``challenger: null`` (the policy calls it missing
    evidence); a metric without a direction is left out with a warning.
    """
    ours = _overall(champion, "champion", warnings)
    theirs = _overall(challenger, "challenger", warnings)
    out = []
    for key, value in ours.items():
        name, dataset, split = key
        entry = pair(name, value, theirs.get(key))
        if dataset:
            entry["dataset"] = dataset
        if split:
            entry["split"] = split
        out.append(entry)
    return out


def _overall(doc: dict[str, Any], who: str, warnings: list[str]) -> dict[Key, float]:
    found: dict[Key, float] = {}
    for i, m in enumerate(_metrics(doc.get("metrics"))):
        value, name = m.get("value"), m.get("name")
        if m.get("slice") or not isinstance(name, str):
            continue
        if lookup(name) is None:
            warnings.append(f"the {who}'s metric {name} has no direction; it is not compared")
            continue
        if value is None:
            continue
        key = (name, str(m.get("dataset") or ""), str(m.get("split") or ""))
        if key in found:
            where = " on ".join(p for p in (name, key[1], key[2]) if p)
            raise InputError(
                f"the {who}'s facts give {where} twice (/metrics/{i}); name the dataset or "
                "split of each measurement so that they can be matched"
            )
        found[key] = float(value)
    return found


def _metrics(value: Any) -> Iterable[dict[str, Any]]:
    return [m for m in value if isinstance(m, dict)] if isinstance(value, list) else []
