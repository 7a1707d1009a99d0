"""Normalise a facts document so that the policy compares like with like.

* Metric names in ``metrics`` and ``change.baseline_metrics`` become canonical
  (``AUC``, ``auroc`` → ``roc_auc``); the tool's spelling is kept in
  ``name_as_reported`` when it differs.
* A robustness result without ``degradation`` (or with ``null``) gets one derived from ``value``
  and ``baseline`` in the metric's direction, computed in exact decimals (as OPA
  would) and marked in its ``source`` as ``derived: ["degradation"]``.
* Names compared for separation of duties (approval principals and roles, the
  subject's author and owner, the context's actor) are folded (``fold``: NFKC,
  invisible characters dropped, blanks trimmed, casefold), in Python, since the
  embedded engine's ``lower`` differs from OPA's on ``İ`` and ``ß``.

Nothing absent is ever invented: a missing value stays missing. The input is
not modified; a new document is returned.
"""

from __future__ import annotations

import math
import sys
import unicodedata
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, TypeGuard

from mlgate.canonical import json_copy
from mlgate.facts.metrics import Direction, canonical_name, lookup

DERIVED_BY = "mlgate"


def normalize(doc: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = json_copy(doc)
    for item in (*_items(out, "metrics"), *_items(out.get("change"), "baseline_metrics")):
        _canonical_metric_name(item)
    for item in _items(out, "robustness"):
        _derive_degradation(item)
    for item in _items(out, "approvals"):
        _fold_fields(item, ("principal", "role"))
    _fold_fields(out.get("subject"), ("author", "owner"))
    _fold_fields(out.get("context"), ("actor",))
    return out


def fold(text: str) -> str:
    """The comparable form of a name (``'Straße'`` → ``'strasse'``, ``' Dana.ML'`` →
    ``'dana.ml'``): NFKC (fullwidth and other compatibility forms), invisible format
    characters (zero-width space, soft hyphen) dropped, every dash made ``-``,
    surrounding blanks stripped and inner runs made one space, casefold, NFKC again.

    Separation of duties compares these: a principal must not pass for someone
    else, nor the author for another, by a spelling a reader cannot see.
    """
    text = unicodedata.normalize("NFKC", text)
    text = "".join(_fold_char(c) for c in text if unicodedata.category(c) != "Cf")
    return unicodedata.normalize("NFKC", " ".join(text.split()).casefold())


def _fold_char(c: str) -> str:
    return "-" if unicodedata.category(c) == "Pd" else c


def degradation(value: float, baseline: float, direction: Direction) -> float:
    """How much worse ``value`` is than ``baseline``, as an exact decimal made a float.

    ``degradation(0.1, 0.3, "higher")`` is ``0.2``, not ``0.19999999999999998``.
    """
    now, before = Decimal(str(value)), Decimal(str(baseline))
    return float(before - now if direction == "higher" else now - before)


def _canonical_metric_name(item: dict[str, Any]) -> None:
    name = item.get("name")
    if isinstance(name, str) and (canonical := canonical_name(name)) != name:
        item["name"] = canonical
        item.setdefault("name_as_reported", name)


def _derive_degradation(item: dict[str, Any]) -> None:
    value, baseline, metric = item.get("value"), item.get("baseline"), item.get("metric")
    spec = lookup(metric) if isinstance(metric, str) else None
    stated = item.get("degradation")
    if stated is not None or spec is None or not (finite_number(value) and finite_number(baseline)):
        return  # a stated degradation that contradicts value and baseline: validate says so
    item["degradation"] = degradation(value, baseline, spec.direction)
    source = item.get("source")
    if not isinstance(source, dict):
        item["source"] = {"tool": DERIVED_BY, "derived": ["degradation"]}
        return
    derived = source.get("derived")
    derived = list(derived) if isinstance(derived, list) else []
    source["derived"] = derived if "degradation" in derived else [*derived, "degradation"]


def derive_merged(doc: dict[str, Any]) -> None:
    """Derive, in place, what only the merge of several fragments makes derivable (a
    robustness value from one tool, its baseline from another)."""
    for item in _items(doc, "robustness"):
        _derive_degradation(item)


def _fold_fields(obj: Any, fields: tuple[str, ...]) -> None:
    if isinstance(obj, dict):
        for field in fields:
            if isinstance(obj.get(field), str):
                obj[field] = fold(obj[field])


def _items(obj: Any, key: str) -> Iterator[dict[str, Any]]:
    items = obj.get(key) if isinstance(obj, dict) else None
    if isinstance(items, list):
        yield from (item for item in items if isinstance(item, dict))


def finite_number(value: Any) -> TypeGuard[float]:
    """A real number (not a boolean), neither NaN nor infinite, nor an integer too large
    for a float (what every engine compares numbers as)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return not beyond_float(value) and math.isfinite(value)


def beyond_float(value: Any) -> bool:
    """An integer whose magnitude no float holds (above about 1.8e308): JSON and YAML
    parse it, but a policy cannot compare it (and ``float()`` of it overflows)."""
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) > _FLOAT_MAX


_FLOAT_MAX = sys.float_info.max
