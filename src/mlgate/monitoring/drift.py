"""Feature drift scores from an Evidently report, for ``monitoring.drift``.

The Evidently adapter (``facts.adapters.evidently``) reads the report first: it
refuses what is not an Evidently report and gives each column's verdict and
the provenance. This module adds what the adapter leaves out on purpose, the
numeric score of each column, so that the policy applies its own limits:

* legacy reports: ``DataDriftTable.drift_by_columns`` and ``ColumnDriftMetric``
  (``drift_score``, ``stattest_name``, ``stattest_threshold``);
* 0.7+ reports: ``ValueDrift(column=…[, method=…])`` metrics, the method also
  read from the matching test's description ("The drift detection method
  is …").

Each score is classified by its method: a distance (Wasserstein, PSI, Jensen-
Shannon, Kullback-Leibler, Hellinger, energy, total variation: higher is more
drift) or a p-value (K-S, chi-square, Z, Fisher, G, Anderson-Darling,
Cramér-von Mises, Mann-Whitney, t, Epps-Singleton: lower is more drift). An
unknown method gives ``score_kind: unknown``, which the policy reports as
missing evidence rather than guessing a direction.
"""

from __future__ import annotations

import math
import re
from typing import Any

from mlgate.canonical import show
from mlgate.errors import InputError
from mlgate.facts.adapters.base import AdapterOptions, get_adapter, number, parse_json, read_bytes

KIND = "evidently"
_DISTANCE_WORDS: tuple[str, ...] = ("distance", "divergence", "wasserstein", "psi", "jensen")
_DISTANCE_WORDS += ("kullback", "hellinger", "energy", "total-variation", "total variation")
_DISTANCE_WORDS += ("tvd", "kl_div")
_P_VALUE_WORDS: tuple[str, ...] = ("p_value", "p-value", "pvalue", "k-s", "chi-square", "z-test")
_P_VALUE_WORDS += ("fisher", "g-test", "anderson", "cramer", "mann-whitney", "t-test", "epps")
_P_VALUE_IDS = {"ks", "chisquare", "z", "fisher_exact", "g_test", "anderson", "cramer_von_mises"}
_P_VALUE_IDS |= {"mannw", "t_test", "epps_singleton"}
_METHOD_IN_TEXT = re.compile(r"drift detection method is ([^.]+)\.", re.IGNORECASE)
_VALUE_DRIFT = re.compile(r"^ValueDrift\((.*)\)$")


def score_kind(method: str | None) -> str:
    """``distance``, ``p_value`` or ``unknown`` for an Evidently stattest name or id."""
    text = (method or "").strip().lower()
    if not text:
        return "unknown"
    if text in _P_VALUE_IDS or any(w in text for w in _P_VALUE_WORDS):
        return "p_value"
    if any(w in text for w in _DISTANCE_WORDS):
        return "distance"
    return "unknown"


def drift_entries(location: str, options: AdapterOptions) -> tuple[list[dict[str, Any]], list[str]]:
    """``monitoring.drift`` entries of one report, and warnings."""
    fragment = get_adapter(KIND, options).collect(location)
    checks = fragment.document.get("lineage", {}).get("data_quality", [])
    verdicts = {
        c["name"].removeprefix("column_drift:"): not c["passed"]
        for c in checks
        if c["name"].startswith("column_drift:")
    }
    source = checks[0]["source"] if checks else None
    report = parse_json(KIND, location, read_bytes(KIND, location, options))
    metrics = report.get("metrics") if isinstance(report, dict) else None
    tests = report.get("tests") if isinstance(report, dict) else None
    found = _legacy(metrics) + _value_drift(metrics, tests)
    entries = []
    for feature, score, method, threshold in found:
        kind = score_kind(method)
        entry: dict[str, Any] = {
            "feature": feature[:256],
            "score": _score(score, kind, f"{location}: feature {feature[:80]!r}"),
            "score_kind": kind,
            "method": method or "unknown",
            "threshold": number(threshold),
            "detected": verdicts.get(feature),
        }
        if source is not None:
            entry["source"] = source
        entries.append(entry)
    warnings = [] if entries else [f"{location}: the report holds no per-column drift score"]
    return entries, warnings


Found = tuple[str, Any, str | None, Any]


def _score(raw: Any, kind: str, where: str) -> float | None:
    """The drift score: absent or NaN (Evidently's answer for, e.g., an empty column) is
    None, missing evidence; otherwise a number in the range of its kind."""
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return None
    score = number(raw)
    if score is None:
        raise InputError(f"{where}: the drift score {show(raw)} is not a finite number")
    if kind == "p_value" and not 0.0 <= score <= 1.0:
        raise InputError(f"{where}: the p-value {score:g} is outside [0, 1]")
    if score < 0:
        raise InputError(f"{where}: the drift distance {score:g} is negative")
    return score


def _legacy(metrics: Any) -> list[Found]:
    out: list[Found] = []
    for item in metrics if isinstance(metrics, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("result"), dict):
            continue
        kind, result = item.get("metric"), item["result"]
        columns: list[Any] = []
        if kind == "DataDriftTable" and isinstance(result.get("drift_by_columns"), dict):
            columns = list(result["drift_by_columns"].values())
        elif kind == "ColumnDriftMetric":
            columns = [result]
        for c in columns:
            if isinstance(c, dict) and isinstance(c.get("column_name"), str):
                method = c.get("stattest_name")
                out.append(
                    (
                        c["column_name"],
                        c.get("drift_score"),
                        method if isinstance(method, str) else None,
                        c.get("stattest_threshold", c.get("threshold")),
                    )
                )
    return out


def _params(text: str) -> dict[str, str]:
    pairs = (p.split("=", 1) for p in text.split(",") if "=" in p)
    return {k.strip(): v.strip() for k, v in pairs}


def _value_drift(metrics: Any, tests: Any) -> list[Found]:
    described: dict[str, tuple[str | None, Any]] = {}
    for test in tests if isinstance(tests, list) else []:
        config = test.get("metric_config") if isinstance(test, dict) else None
        if not isinstance(config, dict) or config.get("metric") != "ValueDrift":
            continue
        column = (config.get("params") or {}).get("column")
        match = _METHOD_IN_TEXT.search(str(test.get("description") or ""))
        threshold = (test.get("test_config") or {}).get("threshold")
        if isinstance(column, str):
            described[column] = (match.group(1).strip() if match else None, threshold)
    out: list[Found] = []
    for item in metrics if isinstance(metrics, list) else []:
        match = (
            _VALUE_DRIFT.match(str(item.get("metric_id", ""))) if isinstance(item, dict) else None
        )
        if match is None:
            continue
        params = _params(match.group(1))
        column = params.get("column")
        if not column:
            continue
        method, threshold = described.get(column, (None, None))
        out.append((column, item.get("value"), params.get("method") or method, threshold))
    return out
