"""A time series of observations for ``mlgate monitor``: read and checked, never guessed.

Files are recognised by their content:

* a JSON series, ``{"name", "unit", "step_seconds", "observations": [...]}`` or a
  bare list, each observation ``{"timestamp", "value", "count", "unit"}`` or
  ``[timestamp, value]`` / ``[timestamp, value, count]``;
* CSV with a header naming ``timestamp`` and ``value`` (``count`` and ``unit``
  optional);
* a Prometheus range-query answer (``/api/v1/query_range``):
  ``{"status": "success", "data": {"resultType": "matrix", "result": [...]}}``.

A timestamp is RFC 3339 with a zone or Unix seconds; a value a finite number
of magnitude at most 1e15 (never negative in a series of durations, ms or s);
a count (the requests an observation stands for; default 1) a whole number
from 0 to 1e15. Numbers are JSON numbers in a JSON series (text only in CSV
and in Prometheus answers, which write samples as text). Refused with one
clear line: timestamps that go backwards, NaN or infinite values, text where
a number belongs, millisecond Unix times, a unit that is not text, two units
in one series, a Prometheus answer that is not one successful matrix.
An empty series is not an error: its statistics are empty and the policy
calls that insufficient evidence.
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass

from mlgate.canonical import show
from mlgate.errors import InputError
from mlgate.facts.adapters.base import AdapterOptions, decode, parse_json, read_bytes, sha256
from mlgate.monitoring.formats import (
    csv_rows,
    json_meta,
    json_rows,
    prometheus_meta,
    prometheus_rows,
)
from mlgate.times import to_ns

KIND = "series"
MAX_MAGNITUDE = 1e15  # no latency, share or count comes near; sums of squares stay finite
_UNITS = {"milliseconds": "ms", "millisecond": "ms", "msec": "ms", "seconds": "s", "second": "s"}
_UNITS |= {"sec": "s", "secs": "s"}


@dataclass(frozen=True)
class Series:
    """Observations in time order: nanosecond times, values and counts side by side."""

    origin: str
    name: str | None
    unit: str | None
    step_seconds: float | None
    times: array[int]
    values: array[float]
    counts: array[float]
    sha256: str
    kind: str  # json, csv or prometheus

    def __len__(self) -> int:
        return len(self.times)


def unit_name(unit: str) -> str:
    """The comparable spelling of a unit (``milliseconds`` → ``ms``)."""
    text = unit.strip().lower()
    return _UNITS.get(text, text)


def read_series(
    path: str, *, unit: str | None = None, options: AdapterOptions | None = None
) -> Series:
    """The series in ``path``; ``unit`` is what the command line declares (it must agree)."""
    data = read_bytes(KIND, path, options or AdapterOptions())
    text = decode(KIND, path, data)
    if not text.strip():
        raise InputError(f"{path}: the file is empty, not a series")
    if text.lstrip()[:1] in ("{", "[") or path.lower().endswith(".json"):
        doc = parse_json(KIND, path, data)
        if isinstance(doc, dict) and "status" in doc and ("data" in doc or "error" in doc):
            meta, rows, kind = prometheus_meta(doc, path), prometheus_rows(doc, path), "prometheus"
        else:
            meta, rows, kind = json_meta(doc, path), json_rows(doc, path), "json"
    else:
        meta, rows, kind = {}, csv_rows(text, path), "csv"
    declared = [(unit, "the command line")] if unit else []
    if meta.get("unit") is not None:
        declared.append((_unit_text(meta["unit"], f"{path}: unit"), "the file"))
    text_ok = kind != "json"
    times, values, counts = array("q"), array("d"), array("d")
    first_negative = ""
    for timestamp, value, count, row_unit, where in rows:
        at = f"{path}: {where}"
        if row_unit is not None and row_unit != "":
            declared.append((_unit_text(row_unit, f"{at}: unit"), where))
        times.append(to_ns(timestamp, at))
        values.append(_number(value, at, "value", text_ok=text_ok))
        counts.append(1.0 if count in (None, "") else _count(count, at, text_ok))
        if len(times) > 1 and times[-1] < times[-2]:
            raise InputError(f"{at}: the timestamps go backwards here; sort the series by time")
        if values[-1] < 0 and not first_negative:
            first_negative = f"{at}: the value {values[-1]:g}"
    the_unit = _one_unit(declared, path)
    if the_unit in ("ms", "s") and first_negative:
        raise InputError(f"{first_negative} is a negative duration ({the_unit})")
    return Series(
        origin=path,
        name=meta.get("name") if isinstance(meta.get("name"), str) else None,
        unit=the_unit,
        step_seconds=_step(meta.get("step_seconds"), path),
        times=times,
        values=values,
        counts=counts,
        sha256=sha256(data),
        kind=kind,
    )


def _one_unit(declared: list[tuple[str, str]], path: str) -> str | None:
    seen: dict[str, str] = {}
    for unit, where in declared:
        seen.setdefault(unit_name(unit), where)
    if len(seen) > 1:
        (a, where_a), (b, where_b) = list(seen.items())[:2]
        raise InputError(f"{path}: mixed units: {a} ({where_a}) and {b} ({where_b})")
    return next(iter(seen), None)


def _number(
    value: object, at: str, what: str, *, minimum: float | None = None, text_ok: bool = True
) -> float:
    given = value
    if isinstance(value, str) and text_ok:
        try:
            value = float(value.strip())
        except ValueError:
            raise InputError(f"{at}: the {what} {given!r} is not a number") from None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"{at}: the {what} {given!r} is not a number")
    try:
        number = float(value)
    except OverflowError:  # an integer beyond any float
        number = MAX_MAGNITUDE * 10
    if not math.isfinite(number):
        raise InputError(f"{at}: the {what} is {given!r}, not a finite number")
    if abs(number) > MAX_MAGNITUDE:
        raise InputError(
            f"{at}: the {what} {show(value)} is out of range (at most {MAX_MAGNITUDE:g})"
        )
    if minimum is not None and number < minimum:
        raise InputError(f"{at}: the {what} {given!r} is below {minimum:g}")
    return number


def _count(value: object, at: str, text_ok: bool) -> float:
    count = _number(value, at, "count", minimum=0.0, text_ok=text_ok)
    if not count.is_integer():
        raise InputError(f"{at}: the count {value!r} is not a whole number of requests")
    return count


def _unit_text(value: object, at: str) -> str:
    if not isinstance(value, str):
        raise InputError(f"{at}: {value!r} is not a unit name (text such as ms or s)")
    return value


def _step(value: object, path: str) -> float | None:
    if value is None:
        return None
    step = _number(value, f"{path}: step_seconds", "step")
    if step <= 0:
        raise InputError(f"{path}: step_seconds must be positive, not {value!r}")
    return step
