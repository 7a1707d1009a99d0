"""Reading series: three formats, and every kind of bad input as one clear error."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mlgate.errors import InputError
from mlgate.monitoring.series import read_series
from mlgate.times import format_ns, parse_rfc3339_ns, to_ns

T0 = "2026-11-01T00:00:00Z"
T0_S = 1793491200


def _json(tmp: Path, doc: Any, name: str = "s.json") -> str:
    path = tmp / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return str(path)


def _prom(values: list[list[Any]], name: str | None = None, **extra: Any) -> dict[str, Any]:
    metric = {"__name__": name} if name else {}
    result = [{"metric": metric, "values": values}]
    return {"status": "success", "data": {"resultType": "matrix", "result": result}, **extra}


def test_json_object_with_counts_units_and_step(tmp_path: Path) -> None:
    doc = {
        "name": "latency_ms",
        "unit": "milliseconds",
        "step_seconds": 300,
        "observations": [
            {"timestamp": T0, "value": 120, "count": 99},
            {"timestamp": "2026-11-01T01:00:00+01:00", "value": 600, "count": 1},
            [T0_S + 300, 130],
        ],
    }
    s = read_series(_json(tmp_path, doc))
    assert (s.name, s.unit, s.step_seconds, s.kind) == ("latency_ms", "ms", 300, "json")
    assert list(s.values) == [120, 600, 130]
    assert list(s.counts) == [99, 1, 1]
    assert s.times[0] == s.times[1] == T0_S * 10**9  # +01:00 names the same instant


def test_csv_with_header_in_any_case(tmp_path: Path) -> None:
    text = "Timestamp,Value,Count\n2026-11-01T00:00:00Z,0.9,10\n\n1793491260,0.8,\n"
    s = read_series(_json(tmp_path, text, "s.csv"))
    assert s.kind == "csv"
    assert list(s.values) == [0.9, 0.8]
    assert list(s.counts) == [10, 1]


def test_prometheus_range_query_with_unit_from_the_metric_name(tmp_path: Path) -> None:
    doc = _prom([[T0_S, "0.25"], [T0_S + 60.5, "0.5"]], "http_request_duration_seconds")
    s = read_series(_json(tmp_path, doc))
    assert (s.kind, s.unit, s.name) == ("prometheus", "s", "http_request_duration_seconds")
    assert list(s.values) == [0.25, 0.5]
    assert s.times[1] - s.times[0] == 60_500_000_000


def test_empty_series_is_read_not_refused(tmp_path: Path) -> None:
    assert len(read_series(_json(tmp_path, []))) == 0
    empty = {"status": "success", "data": {"resultType": "matrix", "result": []}}
    assert len(read_series(_json(tmp_path, empty))) == 0


BAD: list[tuple[str, Any, str]] = [
    (
        "unsorted",
        [[T0_S + 60, 1], [T0_S, 2]],
        "/1: the timestamps go backwards here; sort the series by time",
    ),
    ("nan-literal", "[[1793491200, NaN]]", "the value is nan, not a finite number"),
    ("nan-string", [[T0_S, "NaN"]], "the value 'NaN' is not a number"),  # text in JSON
    ("empty-file", "", "the file is empty, not a series"),
    ("json-string", '"hello"', "not a series: expected a list of observations"),
    ("json-number", "42", "not a series: expected a list of observations"),
    ("infinite", [[T0_S, 1e999]], "not a finite number"),
    ("number-as-text", [[T0_S, "0.5"]], "the value '0.5' is not a number"),
    ("huge", [[T0_S, 1e308]], "the value 1e+308 is out of range (at most 1e+15)"),
    ("huge-integer", [[T0_S, 10**400]], "is out of range"),
    (
        "fractional-count",
        [{"timestamp": T0, "value": 1, "count": 2.5}],
        "the count 2.5 is not a whole",
    ),
    ("count-as-text", [{"timestamp": T0, "value": 1, "count": "100"}], "the count '100' is not a"),
    ("numeric-unit", {"unit": 5, "observations": [[T0_S, 1]]}, "unit: 5 is not a unit name"),
    ("row-unit", [{"timestamp": T0, "value": 1, "unit": 5}], "/0: unit: 5 is not a unit name"),
    (
        "negative-ms",
        {"unit": "ms", "observations": [[T0_S, 3], [T0_S + 1, -120]]},
        "/observations/1: the value -120 is a negative duration (ms)",
    ),
    ("text-value", [[T0_S, "fast"]], "the value 'fast' is not a number"),
    ("null-value", [{"timestamp": T0, "value": None}], "the value None is not a number"),
    ("negative-count", [{"timestamp": T0, "value": 1, "count": -1}], "the count -1 is below 0"),
    ("milliseconds", [[T0_S * 1000, 1]], "looks like milliseconds; give Unix seconds"),
    ("no-zone", [["2026-11-01T00:00:00", 1]], "is not an RFC 3339 timestamp with a zone"),
    ("impossible-date", [["2026-02-30T00:00:00Z", 1]], "is not an RFC 3339 timestamp"),
    (
        "mixed-units",
        {"unit": "ms", "observations": [{"timestamp": T0, "value": 1, "unit": "s"}]},
        "mixed units: ms (the file) and s (/observations/0)",
    ),
    ("not-a-series", {"points": []}, "not a series"),
    ("bad-observation", [[T0_S]], "an observation is"),
    ("zero-step", {"step_seconds": 0, "observations": []}, "step_seconds must be positive"),
]


@pytest.mark.parametrize(
    ("doc", "message"), [(d, m) for _, d, m in BAD], ids=[n for n, _, _ in BAD]
)
def test_bad_json_series_is_one_clear_error(tmp_path: Path, doc: Any, message: str) -> None:
    path = _json(tmp_path, doc)
    with pytest.raises(InputError) as caught:
        read_series(path)
    assert message in caught.value.message
    assert caught.value.message.startswith(path)


PROM_BAD: list[tuple[str, dict[str, Any], str]] = [
    ("error", {"status": "error", "data": {}, "error": "bad_data"}, "did not succeed: bad_data"),
    (
        "error-answer",  # what Prometheus sends on an error: no "data"
        {"status": "error", "errorType": "bad_data", "error": "parse error at char 5"},
        "did not succeed: parse error at char 5",
    ),
    (
        "vector",
        {"status": "success", "data": {"resultType": "vector", "result": []}},
        "a Prometheus vector is not a range query result (matrix)",
    ),
    (
        "two-series",
        {"status": "success", "data": {"resultType": "matrix", "result": [{}, {}]}},
        "holds 2 series; aggregate them in PromQL",
    ),
    ("nan", _prom([[T0_S, "NaN"]]), "not a finite number"),
]


@pytest.mark.parametrize(
    ("doc", "message"), [(d, m) for _, d, m in PROM_BAD], ids=[n for n, _, _ in PROM_BAD]
)
def test_bad_prometheus_answer_is_one_clear_error(tmp_path: Path, doc: Any, message: str) -> None:
    with pytest.raises(InputError) as caught:
        read_series(_json(tmp_path, doc))
    assert message in caught.value.message


def test_unit_declared_on_the_command_line_must_agree(tmp_path: Path) -> None:
    path = _json(tmp_path, {"unit": "ms", "observations": []})
    assert read_series(path, unit="milliseconds").unit == "ms"
    with pytest.raises(
        InputError, match=r"mixed units: s \(the command line\) and ms \(the file\)"
    ):
        read_series(path, unit="s")


def test_csv_without_timestamp_column_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="header with timestamp and value"):
        read_series(_json(tmp_path, "time,value\n1,2\n", "s.csv"))


def test_csv_row_with_wrong_field_count_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="line 3: 3 fields, the header has 2"):
        read_series(_json(tmp_path, "timestamp,value\n1793491200,1\n1793491201,2,3\n", "s.csv"))


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        read_series(str(tmp_path / "nope.json"))


def test_timestamps_round_trip_exactly() -> None:
    ns = parse_rfc3339_ns("2026-11-01T12:00:00.123456789Z")
    assert ns == (T0_S + 12 * 3600) * 10**9 + 123_456_789
    assert to_ns(T0_S + 0.5, "x") == T0_S * 10**9 + 500_000_000
    assert format_ns(T0_S * 10**9) == T0
    assert parse_rfc3339_ns("2026-11-01T00:00:00+24:00") is None
    assert parse_rfc3339_ns("2026-11-01") is None
