"""``evidently:FILE``: an Evidently report or test-suite JSON → ``lineage.data_quality``.

Read shapes (``.json()`` / ``save_json`` output):

* test results, legacy ``TestSuite`` and 0.7+ ``Report(..., include_tests=True)``
  alike: ``{"tests": [{"name", "description", "status", …}]}``. ``SUCCESS`` is
  a pass; ``FAIL``, ``WARNING`` and ``ERROR`` are not (the status is kept);
  ``SKIPPED`` tests are left out.
* legacy report metrics with a verdict: ``DatasetDriftMetric``
  (``result.dataset_drift``) → check ``dataset_drift``; ``DataDriftTable`` /
  ``ColumnDriftMetric`` (``drift_detected``) → ``column_drift:<column>``.

A metric without a verdict (a 0.7 ``DriftedColumnsCount`` value, a missing-value
share) is not turned into a pass or a fail: mlgate does not pick thresholds.
"""

from __future__ import annotations

from typing import Any

from mlgate.facts.adapters.base import (
    AdapterBase,
    FactsFragment,
    fail,
    prune,
)

KIND = "evidently"
_NOT_PASSED = ("FAIL", "WARNING", "ERROR")


class Adapter(AdapterBase):
    kind = KIND

    def collect(self, location: str) -> FactsFragment:
        read = self.read(location, what="an Evidently report or test suite")
        tests, metrics = read.document.get("tests"), read.document.get("metrics")
        if not isinstance(tests, list) and not isinstance(metrics, list):
            raise fail(KIND, location, "not an Evidently report: no 'tests' or 'metrics' list")
        source = read.source
        checks = _tests(tests, location) + _legacy_drift(metrics, location)
        names: dict[str, int] = {}
        for check in checks:
            count = names[check["name"]] = names.get(check["name"], 0) + 1
            if count > 1:
                check["name"] = f"{check['name']} [{count}]"
            check["source"] = source
        warnings = []
        if not checks:
            warnings.append("no pass/fail results (run the report with include_tests=True)")
        document = {"lineage": {"data_quality": checks}} if checks else {}
        return FactsFragment(KIND, location, document, tuple(warnings))


def _tests(tests: Any, location: str) -> list[dict[str, Any]]:
    out = []
    for i, test in enumerate(tests if isinstance(tests, list) else []):
        if not isinstance(test, dict) or not isinstance(test.get("name"), str):
            raise fail(KIND, location, f"/tests/{i}: a test needs a name")
        status = test.get("status")
        if not isinstance(status, str):
            raise fail(KIND, location, f"/tests/{i}: test {test['name']!r} has no status")
        status = status.upper()
        if status == "SKIPPED":
            continue
        if status != "SUCCESS" and status not in _NOT_PASSED:
            raise fail(KIND, location, f"/tests/{i}: unknown test status {status!r}")
        check = {
            "name": test["name"][:256],
            "passed": status == "SUCCESS",
            "details": test.get("description")
            if isinstance(test.get("description"), str)
            else None,
            "status": status,
            "group": test.get("group") if isinstance(test.get("group"), str) else None,
        }
        out.append(prune(check))
    return out


def _legacy_drift(metrics: Any, location: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i, item in enumerate(metrics if isinstance(metrics, list) else []):
        if not isinstance(item, dict) or not isinstance(item.get("result"), dict):
            continue
        kind, result = item.get("metric"), item["result"]
        _verdicts_are_booleans(result, f"/metrics/{i}/result", location)
        if kind == "DatasetDriftMetric" and isinstance(result.get("dataset_drift"), bool):
            drifted, total = (
                result.get("number_of_drifted_columns"),
                result.get("number_of_columns"),
            )
            details = f"{drifted} of {total} columns drifted"
            if result.get("drift_share") is not None:
                details += f"; the report's drift share threshold is {result['drift_share']}"
            out.append(
                {"name": "dataset_drift", "passed": not result["dataset_drift"], "details": details}
            )
        elif kind == "DataDriftTable" and isinstance(result.get("drift_by_columns"), dict):
            out += [_column(c) for c in result["drift_by_columns"].values() if _has_verdict(c)]
        elif kind == "ColumnDriftMetric" and _has_verdict(result):
            out.append(_column(result))
    return out


def _verdicts_are_booleans(result: dict[str, Any], where: str, location: str) -> None:
    """A drift verdict given as anything but true/false would silently drop a check."""
    found = [(f"{where}/dataset_drift", result.get("dataset_drift", False))]
    columns = result.get("drift_by_columns")
    for name, column in columns.items() if isinstance(columns, dict) else []:
        if isinstance(column, dict):
            found.append(
                (
                    f"{where}/drift_by_columns/{name}/drift_detected",
                    column.get("drift_detected", False),
                )
            )
    found.append((f"{where}/drift_detected", result.get("drift_detected", False)))
    for pointer, value in found:
        if not isinstance(value, bool):
            raise fail(KIND, location, f"{pointer}: the verdict {value!r} is not true or false")


def _has_verdict(column: Any) -> bool:
    return (
        isinstance(column, dict)
        and isinstance(column.get("column_name"), str)
        and isinstance(column.get("drift_detected"), bool)
    )


def _column(column: dict[str, Any]) -> dict[str, Any]:
    details = f"{column.get('stattest_name', 'drift test')}: score {column.get('drift_score')}"
    threshold = column.get("stattest_threshold", column.get("threshold"))
    if threshold is not None:
        details += f", threshold {threshold}"
    return {
        "name": f"column_drift:{column['column_name']}"[:256],
        "passed": not column["drift_detected"],
        "details": details,
    }
