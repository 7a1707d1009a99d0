"""``fairlearn:FILE``: a Fairlearn ``MetricFrame`` (exported JSON) → ``fairness``.

In Python, :func:`from_metric_frame` reads a ``MetricFrame`` directly and
:func:`export_metric_frame` writes the JSON this adapter reads::

    {"format": "mlgate/fairlearn-metric-frame", "version": 1,
     "fairlearn_version": "0.15.0", "method": "between_groups",
     "sensitive_features": ["sex"],
     "metrics": {"selection_rate": {"overall": 0.31,
                                    "by_group": {"female": 0.29, "male": 0.33},
                                    "difference": 0.04, "ratio": 0.879}, …}}

(intersectional groups are keys joined with ``", "``; NaN is ``null``).
Each metric becomes a fairness entry per sensitive feature(s). A
``selection_rate`` entry *is* demographic parity (its difference and ratio).
When the frame has true- and false-positive rates (``true_positive_rate`` /
``tpr`` / ``recall``, ``false_positive_rate`` / ``fpr``), an ``equalized_odds``
entry is derived as Fairlearn defines it: the larger of the two differences and
the smaller of the two ratios, marked ``derived`` in its source.
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from pathlib import Path
from typing import Any

from mlgate.facts.adapters.base import (
    AdapterBase,
    AdapterOptions,
    FactsFragment,
    fail,
    provenance,
    require,
)
from mlgate.facts.metrics import lookup

KIND = "fairlearn"
FORMAT = "mlgate/fairlearn-metric-frame"
TPR = ("true_positive_rate", "tpr", "recall", "recall_score")
FPR = ("false_positive_rate", "fpr")
_FIELDS = ("overall", "difference", "ratio")
# Fairlearn's rates the metric registry does not list: each lies in [0, 1].
_RATES = frozenset({"selection_rate", "true_positive_rate", "true_negative_rate"})
_RATES |= {"false_negative_rate"}


class Adapter(AdapterBase):
    kind = KIND

    def collect(self, location: str) -> FactsFragment:
        read = self.read(location, what="an export")
        return FactsFragment(KIND, location, from_export(read.document, location, read.source))


def metric_frame_to_dict(mf: Any) -> dict[str, Any]:
    """The export of a ``MetricFrame`` (see the module docstring)."""
    fairlearn = require(KIND, "fairlearn", KIND)
    if mf.control_levels:
        raise fail(KIND, "MetricFrame", "control features are not supported; use one frame each")
    by_group = mf.by_group
    overall, difference, ratio = mf.overall, mf.difference(), mf.ratio()
    if by_group.ndim == 1:  # a single metric given as a function, not a dict
        name = str(by_group.name)
        by_group, overall = by_group.to_frame(name), {name: overall}
        difference, ratio = {name: difference}, {name: ratio}
    metrics = {}
    for column in by_group.columns:
        groups = {_group_key(key): _num(v) for key, v in by_group[column].items()}
        metrics[str(column)] = {
            "overall": _num(overall[column]),
            "by_group": groups,
            "difference": _num(difference[column]),
            "ratio": _num(ratio[column]),
        }
    return {
        "format": FORMAT,
        "version": 1,
        "fairlearn_version": str(fairlearn.__version__),
        "method": "between_groups",
        "sensitive_features": [str(s) for s in mf.sensitive_levels],
        "metrics": metrics,
    }


def export_metric_frame(mf: Any, path: str | Path) -> dict[str, Any]:
    """Write ``mf`` as the JSON this adapter reads; returns what was written."""
    export = metric_frame_to_dict(mf)
    Path(path).write_text(json.dumps(export, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    return export


def from_metric_frame(
    mf: Any, *, name: str = "MetricFrame", now: datetime | None = None
) -> FactsFragment:
    """A fragment straight from a ``MetricFrame``, for ``mlgate.collect([...])``."""
    export = metric_frame_to_dict(mf)
    data = json.dumps(export, sort_keys=True, allow_nan=False).encode()
    options = AdapterOptions() if now is None else AdapterOptions(now=now)
    source = provenance(KIND, options, uri=f"python:{name}", data=data)
    return FactsFragment(KIND, name, from_export(export, name, source))


def from_export(export: dict[str, Any], location: str, source: dict[str, Any]) -> dict[str, Any]:
    if export.get("format") != FORMAT:
        raise fail(KIND, location, f'not a MetricFrame export (no "format": "{FORMAT}")')
    if export.get("version", 1) != 1 or export.get("method", "between_groups") != "between_groups":
        raise fail(
            KIND,
            location,
            f"unsupported export: version {export.get('version')!r}, method "
            f"{export.get('method')!r} (this reader knows version 1, between_groups)",
        )
    features, metrics = export.get("sensitive_features"), export.get("metrics")
    if not isinstance(features, list) or not features or not isinstance(metrics, dict):
        raise fail(KIND, location, "an export needs sensitive_features and metrics")
    if not all(isinstance(f, str) and f for f in features):
        raise fail(KIND, location, "/sensitive_features: every feature must be a name")
    feature = ", ".join(features)
    entries = []
    for metric, values in metrics.items():
        if not isinstance(values, dict):
            raise fail(KIND, location, f"/metrics/{metric} is not an object")
        _check_values(metric, values, location)
        entry: dict[str, Any] = {"metric": metric, "sensitive_feature": feature}
        entry |= {f: values[f] for f in _FIELDS if f in values}
        if "by_group" in values:
            entry["by_group"] = values["by_group"]
        entries.append({**entry, "source": source})
    odds = _equalized_odds(metrics, feature, source)
    return {"fairness": entries + ([odds] if odds else [])}


def _equalized_odds(
    metrics: dict[str, Any], feature: str, source: dict[str, Any]
) -> dict[str, Any] | None:
    tpr = next((n for n in TPR if n in metrics), None)
    fpr = next((n for n in FPR if n in metrics), None)
    if tpr is None or fpr is None:
        return None
    entry: dict[str, Any] = {"metric": "equalized_odds", "sensitive_feature": feature}
    diffs = [metrics[n].get("difference") for n in (tpr, fpr)]
    ratios = [metrics[n].get("ratio") for n in (tpr, fpr)]
    if all(isinstance(d, int | float) for d in diffs):
        entry["difference"] = max(diffs)
    if all(isinstance(r, int | float) for r in ratios):
        entry["ratio"] = min(ratios)
    derived = [f for f in ("difference", "ratio") if f in entry]
    return {**entry, "source": {**source, "derived": derived, "derived_from": [tpr, fpr]}}


def _group_key(key: Any) -> str:
    return ", ".join(str(k) for k in key) if isinstance(key, tuple) else str(key)


def _num(value: Any) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None


def _is_num(value: Any) -> bool:
    return value is None or (isinstance(value, int | float) and not isinstance(value, bool))


def _check_values(metric: str, values: dict[str, Any], location: str) -> None:
    """Every value a number (or null: not computed) in its range; nothing dropped quietly.

    A ratio between groups lies in [0, 1] and a difference is at least 0; a
    metric the registry knows (accuracy, recall …) stays in its range, overall
    and per group.
    """

    spec = lookup(metric)
    groups = values.get("by_group", {})
    if not isinstance(groups, dict):
        raise fail(KIND, location, f"/metrics/{metric}/by_group is not an object")
    checks = [(f, values[f]) for f in _FIELDS if f in values]
    checks += [(f"by_group/{g}", v) for g, v in groups.items()]
    for field, value in checks:
        where = f"/metrics/{metric}/{field}"
        if not _is_num(value) or (value is not None and not math.isfinite(value)):
            raise fail(KIND, location, f"{where}: {value!r} is not a number")
        if value is None:
            continue
        if field == "ratio" and not 0 <= value <= 1:
            raise fail(KIND, location, f"{where}: {value!r} is outside [0, 1]")
        if field == "difference" and not 0 <= value <= 1e15:
            raise fail(KIND, location, f"{where}: {value!r} is outside [0, 1e15]")
        if field in ("ratio", "difference"):
            continue
        if spec is not None and not spec.in_range(value):
            raise fail(KIND, location, f"{where}: {value!r} is outside {spec.name}'s range")
        if spec is None and metric in _RATES and not 0 <= value <= 1:
            raise fail(KIND, location, f"{where}: {value!r} is outside [0, 1] (a rate)")
