"""The three series formats, as rows of (timestamp, value, count, unit, where).

``json_*``: a JSON series object or bare list; ``csv_rows``: CSV with a header;
``prometheus_*``: a Prometheus ``query_range`` answer (one matrix series; its
unit from the metric name's ``_seconds`` / ``_milliseconds`` suffix). Values
are checked by ``series.read_series``; here only the shape is.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from mlgate.errors import InputError

Row = tuple[object, object, object, object, str]  # timestamp, value, count, unit, where
_PROM_UNITS = (("_milliseconds", "ms"), ("_ms", "ms"), ("_seconds", "s"))


def json_meta(doc: Any, path: str) -> dict[str, Any]:
    if isinstance(doc, list):
        return {}
    if not isinstance(doc, dict) or not isinstance(doc.get("observations"), list):
        raise InputError(
            f"{path}: not a series: expected a list of observations or an object with "
            "'observations' (or a Prometheus query_range answer)"
        )
    return doc


def json_rows(doc: Any, path: str) -> Iterator[Row]:
    items = doc if isinstance(doc, list) else doc["observations"]
    prefix = "" if isinstance(doc, list) else "/observations"
    for i, item in enumerate(items):
        where = f"{prefix}/{i}"
        if isinstance(item, dict):
            yield (
                item.get("timestamp"),
                item.get("value"),
                item.get("count"),
                item.get("unit"),
                where,
            )
        elif isinstance(item, list) and len(item) in (2, 3):
            yield item[0], item[1], item[2] if len(item) == 3 else None, None, where
        else:
            raise InputError(
                f"{path}: {where}: an observation is {{timestamp, value[, count]}} "
                "or [timestamp, value]"
            )


def csv_rows(text: str, path: str) -> Iterator[Row]:
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    if "timestamp" not in header or "value" not in header:
        raise InputError(f"{path}: a CSV series needs a header with timestamp and value columns")
    at = {
        name: header.index(name)
        for name in ("timestamp", "value", "count", "unit")
        if name in header
    }
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise InputError(
                f"{path}: line {number}: {len(row)} fields, the header has {len(header)}"
            )
        cells = {name: row[i] for name, i in at.items()}
        yield (
            cells["timestamp"],
            cells["value"],
            cells.get("count"),
            cells.get("unit"),
            f"line {number}",
        )


def prometheus_meta(doc: dict[str, Any], path: str) -> dict[str, Any]:
    if doc.get("status") != "success":
        why = doc.get("error") or doc.get("status")
        raise InputError(f"{path}: the Prometheus query did not succeed: {why}")
    data = doc.get("data")
    kind = data.get("resultType") if isinstance(data, dict) else None
    if kind != "matrix":
        raise InputError(
            f"{path}: a Prometheus {kind or 'answer'} is not a range query result (matrix); "
            "query /api/v1/query_range"
        )
    result = data.get("result") if isinstance(data, dict) else None
    if not isinstance(result, list) or len(result) > 1:
        n = len(result) if isinstance(result, list) else 0
        raise InputError(
            f"{path}: the Prometheus answer holds {n} series; aggregate them in PromQL "
            "(e.g. max(...) or a label filter) so that it holds one"
        )
    labels = result[0].get("metric") if result and isinstance(result[0], dict) else None
    name = labels.get("__name__") if isinstance(labels, dict) else None
    meta: dict[str, Any] = {"name": name} if isinstance(name, str) else {}
    for suffix, unit in _PROM_UNITS:
        if isinstance(name, str) and name.endswith(suffix):
            meta["unit"] = unit
            break
    return meta


def prometheus_rows(doc: dict[str, Any], path: str) -> Iterable[Row]:
    result = doc["data"]["result"]
    values = result[0].get("values") if result and isinstance(result[0], dict) else []
    if not isinstance(values, list):
        raise InputError(f"{path}: /data/result/0/values: not a list of [time, value] pairs")
    for i, pair in enumerate(values):
        where = f"/data/result/0/values/{i}"
        if not isinstance(pair, list) or len(pair) != 2:
            raise InputError(f"{path}: {where}: not a [time, value] pair")
        yield pair[0], pair[1], None, None, where
