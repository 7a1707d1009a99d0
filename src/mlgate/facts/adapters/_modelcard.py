"""A CycloneDX ML-BOM model component and its ``modelCard`` → facts.

The model card is the author's account, so its metrics are marked
``reported_by_author: true``. Sections are named as facts name them
(``intended_use``, ``limitations``, ``training_data``, ``evaluation``,
``ethical_considerations`` …) and listed only when the card fills them.
"""

from __future__ import annotations

import re
from typing import Any

from mlgate.facts.adapters.base import metric_entry, prune

# modelCard path -> section name in documentation.model_card.sections
_SECTIONS = (
    (("considerations", "useCases"), "intended_use"),
    (("considerations", "users"), "users"),
    (("considerations", "technicalLimitations"), "limitations"),
    (("considerations", "performanceTradeoffs"), "performance_tradeoffs"),
    (("considerations", "ethicalConsiderations"), "ethical_considerations"),
    (("considerations", "fairnessAssessments"), "fairness"),
    (("considerations", "environmentalConsiderations"), "environmental_considerations"),
    (("modelParameters", "datasets"), "training_data"),
    (("quantitativeAnalysis", "performanceMetrics"), "evaluation"),
)

_DECIMAL = re.compile(r"[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?")


def facts(
    model: dict[str, Any], location: str, source: dict[str, Any], warnings: list[str]
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(model.get("name"), str) and isinstance(model.get("version"), str):
        out["subject"] = {"name": model["name"], "version": model["version"], "source": source}
    card = model.get("modelCard")
    stated = licenses(model)
    if not isinstance(card, dict):
        if stated:
            out["documentation"] = {"model_card": {"license": " AND ".join(stated)}}
        warnings.append(f"the model component {model.get('name')!r} has no modelCard")
        return out
    authored = {**source, "reported_by_author": True}
    metrics = [m for m in _metrics(card, authored, warnings) if m is not None]
    if metrics:
        out["metrics"] = metrics
    use_cases = _get(card, ("considerations", "useCases"))
    model_card = {
        "uri": location,
        "sha256": source.get("sha256"),
        "sections": [name for path, name in _SECTIONS if _filled(_get(card, path))],
        "license": " AND ".join(stated) or None,
        "use_cases": [u for u in use_cases if isinstance(u, str)] if use_cases else None,
        "task": _get(card, ("modelParameters", "task")),
        "source": authored,
    }
    out["documentation"] = {"model_card": prune(model_card)}
    return out


def _metrics(
    card: dict[str, Any], source: dict[str, Any], warnings: list[str]
) -> list[dict[str, Any] | None]:
    out = []
    for item in _get(card, ("quantitativeAnalysis", "performanceMetrics")) or []:
        name, raw = item.get("type"), item.get("value")
        if not isinstance(name, str) or not name:
            warnings.append("a performanceMetrics entry has no type; dropped")
            continue
        value: Any = raw
        if isinstance(raw, str):  # the spec writes values as text: only plain decimals count
            if not _DECIMAL.fullmatch(raw):
                warnings.append(f"metric {name!r}: value {raw!r} is not a number; dropped")
                continue
            value = float(raw)
        slice_ = item.get("slice")
        extra = {"slice": {"slice": slice_}} if isinstance(slice_, str) and slice_ else {}
        interval = item.get("confidenceInterval")
        if isinstance(interval, dict):
            extra["confidence_interval"] = interval
        out.append(metric_entry(name, value, source, warnings, **extra))
    return out


def _get(obj: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        obj = obj.get(key) if isinstance(obj, dict) else None
    return obj


def _filled(value: Any) -> bool:
    if isinstance(value, list | dict):
        return any(_filled(v) for v in (value.values() if isinstance(value, dict) else value))
    return (isinstance(value, str) and bool(value.strip())) or isinstance(value, int | float)


def licenses(component: dict[str, Any]) -> list[str]:
    """SPDX ids, names or expressions of a component's licenses, as stated."""
    out = []
    for choice in component.get("licenses") or []:
        lic = choice.get("license") or {}
        text = choice.get("expression") or lic.get("id") or lic.get("name")
        if isinstance(text, str):
            out.append(text)
    return out
