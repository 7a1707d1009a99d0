"""Numbers a report can draw: actual values from the facts next to thresholds.

Only numbers that exist are emitted: a metric with no numeric overall value,
a fairness entry without a ratio, a threshold that is not a number, give no
measure. Whether a measure failed is not computed here: it is read from the
decision (a violation of the measure's control at the measure's evidence
pointer), so a chart can never disagree with the policy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mlgate.bundles.controls import ControlInfo

SEVERITIES = ("critical", "high", "medium", "low", "unknown")


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _source(item: dict[str, Any]) -> dict[str, Any]:
    src = item.get("source")
    return {"source": dict(src)} if isinstance(src, dict) else {}


def _at(tree: Any, dotted: str) -> Any:
    node = tree
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _metric_measures(
    control: ControlInfo, facts: dict[str, Any], path: str, limits: dict[str, Any]
) -> list[dict[str, Any]]:
    comparison = path.rsplit(".", 1)[-1]
    out = []
    for i, m in enumerate(facts.get("metrics") or []):
        if not isinstance(m, dict) or m.get("slice") or m.get("name") not in limits:
            continue
        limit, value = limits[m["name"]], m.get("value")
        if _number(limit) and _number(value):
            out.append(
                {
                    "control": control.id,
                    "kind": "metric",
                    "name": m["name"],
                    "value": value,
                    "threshold": limit,
                    "comparison": comparison,
                    "threshold_path": f"{path}.{m['name']}",
                    "pointer": f"/metrics/{i}",
                    **_source(m),
                }
            )
    return out


def _fairness_measures(
    control: ControlInfo, facts: dict[str, Any], path: str, limits: dict[str, Any]
) -> list[dict[str, Any]]:
    ratio = path.endswith("minimum_ratio")
    field = "ratio" if ratio else "difference"
    out = []
    for i, f in enumerate(facts.get("fairness") or []):
        if not isinstance(f, dict) or f.get("metric") not in limits:
            continue
        limit, value = limits[f["metric"]], f.get(field)
        if not (_number(limit) and isinstance(value, int | float) and _number(value)):
            continue
        groups = f.get("by_group")
        measure = {
            "control": control.id,
            "kind": "fairness",
            "name": f"{f['metric']} {field}",
            "metric": f["metric"],
            "sensitive_feature": f.get("sensitive_feature"),
            "value": value if ratio else abs(value),
            "threshold": limit,
            "comparison": "minimum" if ratio else "maximum",
            "threshold_path": f"{path}.{f['metric']}",
            "pointer": f"/fairness/{i}",
            **_source(f),
        }
        if isinstance(groups, dict) and groups and all(_number(v) for v in groups.values()):
            measure["groups"] = dict(groups)
        out.append(measure)
    return out


def _robustness_measures(
    control: ControlInfo, facts: dict[str, Any], path: str, limits: dict[str, Any]
) -> list[dict[str, Any]]:
    out = []
    for i, r in enumerate(facts.get("robustness") or []):
        if not isinstance(r, dict):
            continue
        metric, value = r.get("metric"), r.get("degradation")
        limit = limits.get(metric, limits.get("default")) if isinstance(metric, str) else None
        if _number(limit) and isinstance(value, int | float) and _number(value):
            key = metric if metric in limits else "default"
            out.append(
                {
                    "control": control.id,
                    "kind": "robustness",
                    "name": f"{r.get('test', '?')}: {metric} degradation",
                    "value": value,
                    "threshold": limit,
                    "comparison": "maximum",
                    "threshold_path": f"{path}.{key}",
                    "pointer": f"/robustness/{i}",
                    **_source(r),
                }
            )
    return out


def vulnerability_counts(facts: dict[str, Any]) -> dict[str, int] | None:
    """Vulnerabilities per severity, or ``None`` when the facts list none at all."""
    vulns = (facts.get("security") or {}).get("vulnerabilities")
    if not isinstance(vulns, list):
        return None
    counts = dict.fromkeys(SEVERITIES, 0)
    for v in vulns:
        sev = v.get("severity") if isinstance(v, dict) else None
        counts[sev if sev in counts else "unknown"] += 1
    return counts


def _vulnerability_measures(
    control: ControlInfo, facts: dict[str, Any], path: str, limit: Any
) -> list[dict[str, Any]]:
    counts = vulnerability_counts(facts)
    severity = path.rsplit(".", 1)[-1]
    if counts is None or severity not in counts or not _number(limit):
        return []
    return [
        {
            "control": control.id,
            "kind": "vulnerabilities",
            "name": f"{severity} vulnerabilities",
            "severity": severity,
            "value": counts[severity],
            "threshold": limit,
            "comparison": "maximum",
            "threshold_path": path,
            "pointer": "/security/vulnerabilities",
        }
    ]


def measures_for(
    control: ControlInfo, facts: dict[str, Any], thresholds: dict[str, Any]
) -> list[dict[str, Any]]:
    """The measures of one control under its tier's ``thresholds``."""
    out: list[dict[str, Any]] = []
    for path in control.threshold_paths:
        limit = _at(thresholds, path)
        last = path.rsplit(".", 1)[-1]
        if (
            isinstance(limit, dict)
            and last in ("minimum", "maximum")
            and "/metrics" in (control.requires)
        ):
            out += _metric_measures(control, facts, path, limit)
        elif isinstance(limit, dict) and last in ("minimum_ratio", "maximum_difference"):
            out += _fairness_measures(control, facts, path, limit)
        elif (
            isinstance(limit, dict)
            and last == "max_degradation"
            and "/robustness" in (control.requires)
        ):
            out += _robustness_measures(control, facts, path, limit)
        elif path.startswith("security.max_vulnerabilities."):
            out += _vulnerability_measures(control, facts, path, limit)
    return out


def mark_failed(measures: list[dict[str, Any]], violations: Sequence[Mapping[str, Any]]) -> None:
    """Set ``failed`` on each measure from the decision's violations."""
    hits = {(v.get("control"), str(v.get("evidence", ""))) for v in violations}
    for m in measures:
        prefix = m["pointer"]
        m["failed"] = any(
            c == m["control"] and (e == prefix or e.startswith(prefix + "/")) for c, e in hits
        )
