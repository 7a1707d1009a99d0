"""Window statistics: weighted by counts, nearest-rank percentiles, coverage and gaps."""

from __future__ import annotations

import math
from array import array

import pytest

from mlgate.monitoring.series import Series
from mlgate.monitoring.stats import Selection, Window, coverage, select, summary

NS = 10**9
HOUR = 3600 * NS
END = 1793491200 * NS


def _series(times: list[int], values: list[float], counts: list[float] | None = None) -> Series:
    return Series(
        origin="s.json",
        name="x",
        unit=None,
        step_seconds=None,
        times=array("q", times),
        values=array("d", values),
        counts=array("d", counts or [1.0] * len(values)),
        sha256="0" * 64,
        kind="json",
    )


def _sel(values: list[float], counts: list[float] | None = None) -> Selection:
    counts = counts or [1.0] * len(values)
    return Selection(list(range(len(values))), values, counts, 0)


def test_mean_and_std_are_weighted_by_counts() -> None:
    s = summary(_sel([100.0, 200.0], [3, 1]))
    assert s["samples"] == 2 and s["count"] == 4
    assert s["mean"] == 125.0
    # Bessel over the requests: sqrt((3*25^2 + 75^2) / 3)
    assert s["std"] == pytest.approx(math.sqrt((3 * 625 + 5625) / 3))


def test_percentiles_are_nearest_rank_over_requests() -> None:
    s = summary(_sel([120.0, 600.0], [99, 1]))
    assert (s["p50"], s["p95"], s["p99"]) == (120.0, 120.0, 120.0)
    s = summary(_sel([120.0, 600.0], [98, 2]))
    assert s["p99"] == 600.0
    s = summary(_sel([float(v) for v in range(1, 101)]))
    assert (s["p50"], s["p95"], s["p99"]) == (50.0, 95.0, 99.0)


def test_share_over_limit_is_strictly_over() -> None:
    s = summary(_sel([120.0, 500.0, 501.0], [97, 2, 1]), limit=500.0)
    assert s["share_over_limit"] == {"limit": 500.0, "share": 0.01}


def test_no_requests_give_no_statistics() -> None:
    s = summary(_sel([]), limit=500.0)
    assert s["samples"] == 0
    assert s["mean"] is None and s["p99"] is None and s["std"] is None
    assert s["share_over_limit"] == {"limit": 500.0, "share": None}
    assert summary(_sel([1.0], [0]))["mean"] is None  # zero-count observations are no requests


def test_constant_series_mean_is_exact() -> None:
    assert summary(_sel([0.86] * 168))["mean"] == 0.86
    assert summary(_sel([0.1] * 1000))["mean"] == 0.1


def test_single_request_has_no_std() -> None:
    assert summary(_sel([5.0]))["std"] is None


def test_window_is_half_open_and_counts_later_observations() -> None:
    window = Window.trailing(END, 1)
    s = _series([END - 24 * HOUR, END - HOUR, END, END + 1], [1, 2, 3, 4])
    chosen = select(s, window)
    assert chosen.values == [2, 3]
    assert chosen.after == 1
    assert window.to_json() == {
        "start": "2026-10-31T00:00:00Z",
        "end": "2026-11-01T00:00:00Z",
        "seconds": 86400.0,
    }


def test_full_hourly_coverage() -> None:
    window = Window.trailing(END, 7)
    chosen = select(_series([END - i * HOUR for i in reversed(range(168))], [1.0] * 168), window)
    c = coverage(chosen, window, None)
    assert (c["buckets"], c["filled"], c["ratio"], c["longest_gap_buckets"]) == (168, 168, 1.0, 0)
    assert c["bucket_seconds"] == 3600
    assert c["last"] == "2026-11-01T00:00:00Z"


def test_gap_and_stale_end_are_runs_of_empty_buckets() -> None:
    window = Window.trailing(END, 7)
    hours = [h for h in range(168) if not 24 <= h < 36 and h >= 2]  # 12 h hole, last 2 h stale
    chosen = select(
        _series([END - h * HOUR for h in sorted(hours, reverse=True)], [1.0] * len(hours)), window
    )
    c = coverage(chosen, window, None)
    assert c["filled"] == 168 - 12 - 2
    assert c["longest_gap_buckets"] == 12


def test_dense_requests_use_hour_buckets_and_daily_series_day_buckets() -> None:
    window = Window.trailing(END, 7)
    dense = select(_series([END - i * NS for i in reversed(range(600))], [1.0] * 600), window)
    assert coverage(dense, window, None)["bucket_seconds"] == 3600
    daily = select(_series([END - d * 24 * HOUR for d in reversed(range(7))], [1.0] * 7), window)
    c = coverage(daily, window, None)
    assert (c["bucket_seconds"], c["buckets"], c["ratio"]) == (86400, 7, 1.0)


def test_declared_step_sets_the_bucket() -> None:
    window = Window.trailing(END, 7)
    chosen = select(_series([END], [1.0]), window)
    assert coverage(chosen, window, 2 * 86400)["bucket_seconds"] == 2 * 86400
    assert coverage(chosen, window, 60)["bucket_seconds"] == 3600
