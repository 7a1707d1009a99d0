"""Thresholds and expected values as short sentences for a reader who does not read JSON.

``{"metric": "selection_rate", "minimum_ratio": 0.8}`` reads "at least 0.8
selection_rate ratio across sex"; ``security.max_vulnerabilities`` =
``{"critical": 0, "high": 3}`` reads "at most 0 critical vulnerabilities; at
most 3 high vulnerabilities". Only the words are made here: the values are
copied, and a shape this module does not know is still written without JSON
syntax ("name: value"). The raw value stays with the caller (the HTML report
puts it in a ``title`` attribute; ``--format json`` keeps it as is).
Nothing is escaped here: the formats escape what they show.
"""

from __future__ import annotations

from typing import Any

NO_REQUIREMENT = "no requirement at this tier"
_LIMIT_WORDS = {"minimum": "at least", "maximum": "at most"}
_PER_NAME: tuple[str, ...] = ("minimum", "maximum", "minimum_ratio", "maximum_difference")
_PER_NAME += ("max_vulnerabilities", "max_degradation", "max_regression")
_FLAGS = {
    "passed": "passed",
    "completed": "completed",
    "performed": "performed",
    "digest": "a digest",
    "decision": "an approval, not a rejection",
}


def value(v: Any) -> str:
    """One value in words: numbers as given, yes/no, lists joined, maps as "k v"."""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int | float):
        return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)
    if isinstance(v, list):
        return ", ".join(value(x) for x in v) if v else "none"
    if isinstance(v, dict):
        return "; ".join(f"{k} {value(x)}" for k, x in v.items()) if v else "none"
    return "none" if v is None else str(v)


def _words(key: str) -> str:
    return key.replace("_", " ")


def _across(feature: str | None) -> str:
    return f" across {feature}" if feature else " across groups"


def _per_name(last: str, limits: dict[str, Any], feature: str | None = None) -> str:
    """A map of per-name limits (metric, severity) under the threshold key ``last``."""

    def one(name: str, limit: Any) -> str:
        who = name if name != "default" else "any other metric" if len(limits) > 1 else "any metric"
        if last in _LIMIT_WORDS:
            return f"{name} {_LIMIT_WORDS[last]} {value(limit)}"
        if last == "minimum_ratio":
            return f"at least {value(limit)} {name} ratio{_across(feature)}"
        if last == "maximum_difference":
            return f"at most {value(limit)} {name} difference{_across(feature)}"
        if last == "max_vulnerabilities":
            return f"at most {value(limit)} {name} vulnerabilities"
        if last == "max_degradation":
            return f"at most {value(limit)} degradation of {who}"
        if last == "max_regression":
            return f"at most {value(limit)} regression of {who} from its baseline"
        return f"{_words(last)} for {name}: {value(limit)}"

    return "; ".join(one(str(k), v) for k, v in limits.items())


def _requirement(parts: list[str]) -> str:
    """What a yes/no threshold requires: ``lineage.require_dataset_digest`` -> "dataset
    digest"; ``robustness.required`` -> "robustness"."""
    last = parts[-1]
    if last == "required" and len(parts) > 1:
        return _words(parts[-2])
    return _words(last.removeprefix("require_").removesuffix("_required"))


def threshold(path: str, limit: Any, feature: str | None = None) -> str:
    """The threshold at ``path`` (``fairness.minimum_ratio``, ...) of a tier in words."""
    parts = path.split(".")
    last = parts[-1]
    if len(parts) > 1 and parts[-2] in _PER_NAME and not isinstance(limit, dict):
        return _per_name(parts[-2], {last: limit}, feature)  # one entry of a per-name map
    if isinstance(limit, bool):
        what = _requirement(parts)
        return f"{what} required" if limit else f"{what} not required"
    if isinstance(limit, dict | list) and not limit:
        return NO_REQUIREMENT
    if isinstance(limit, dict):
        return _per_name(last, limit, feature)
    if last == "required" and isinstance(limit, list):
        return "; ".join(
            f"{value(r.get('count'))} approval(s) from {value(r.get('role'))}"
            if isinstance(r, dict)
            else value(r)
            for r in limit
        )
    if last == "max_scan_age_days":
        return f"a vulnerability scan at most {value(limit)} days old"
    if last.startswith(("max_", "min_")) and isinstance(limit, int | float):
        bound = "at most" if last.startswith("max_") else "at least"
        return f"{bound} {value(limit)} {_words(last[4:])}"
    return f"{_words(last)}: {value(limit)}"


def expected(exp: Any, feature: str | None = None) -> str:
    """What a violation expected (its ``expected`` object) in words."""
    if not isinstance(exp, dict):
        return value(exp)
    metric = exp.get("metric")
    for key, words in _LIMIT_WORDS.items():
        if key in exp and metric is not None:
            return f"{metric} {words} {value(exp[key])}"
    if metric is not None and "minimum_ratio" in exp:
        return f"at least {value(exp['minimum_ratio'])} {metric} ratio{_across(feature)}"
    if metric is not None and "maximum_difference" in exp:
        return f"at most {value(exp['maximum_difference'])} {metric} difference{_across(feature)}"
    if metric is not None and "max_degradation" in exp:
        return f"at most {value(exp['max_degradation'])} degradation of {metric}"
    if metric is not None and "max_regression" in exp:
        base = f" (baseline {value(exp['baseline'])})" if "baseline" in exp else ""
        return f"at most {value(exp['max_regression'])} regression of {metric}{base}"
    if "max_vulnerabilities" in exp:
        sev = f" {exp['severity']}" if exp.get("severity") else ""
        return f"at most {value(exp['max_vulnerabilities'])}{sev} vulnerabilities"
    parts = [_expected_item(str(k), v) for k, v in exp.items()]
    return "; ".join(parts) if parts else "none"


def _expected_item(key: str, v: Any) -> str:
    if key in _FLAGS and v in (True, "present", "approve"):
        return _FLAGS[key]
    if key == "max_scan_age_days":
        return f"a vulnerability scan at most {value(v)} days old"
    if key.startswith(("max_", "min_")) and isinstance(v, int | float):
        bound = "at most" if key.startswith("max_") else "at least"
        return f"{bound} {value(v)} {_words(key[4:])}"
    if isinstance(v, list):
        return f"{_words(key)}: {value(v)}"
    return f"{_words(key)} {value(v)}"
