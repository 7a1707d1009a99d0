"""Window statistics of a series: what the monitoring policy compares.

The window is the trailing ``(end - days, end]`` where ``end`` is the
evaluation time. Each observation stands for ``count`` requests (default 1),
so the mean, standard deviation, percentiles and the share over a latency
limit are weighted by the counts:

* mean ``Σcv / Σc``; standard deviation with Bessel's correction
  ``sqrt(Σc(v - mean)² / (Σc - 1))`` (none for fewer than two requests);
* percentiles by nearest rank: the smallest value with at least ``p`` % of
  the requests at or below it (p99 of 1,000 requests is the 990th fastest);
* share over a limit: the requests strictly slower than the limit, over all.

Coverage: the window is cut into buckets of one hour, or of the series' step
when that is longer (``step_seconds``, else the median spacing of its
observations); ``ratio`` is the share of buckets holding an observation and
``longest_gap_buckets`` the longest run of empty ones (a series that stopped
early ends in such a run).
"""

from __future__ import annotations

import itertools
import math
import statistics
from dataclasses import dataclass
from typing import Any

from mlgate.monitoring.series import Series
from mlgate.times import NS, format_ns

HOUR_NS = 3600 * NS
PERCENTILES = (("p50", 50.0), ("p95", 95.0), ("p99", 99.0))


@dataclass(frozen=True)
class Window:
    start_ns: int
    end_ns: int

    @classmethod
    def trailing(cls, end_ns: int, days: float) -> Window:
        return cls(end_ns - round(days * 86_400 * NS), end_ns)

    @property
    def seconds(self) -> float:
        return (self.end_ns - self.start_ns) / NS

    def to_json(self) -> dict[str, Any]:
        return {
            "start": format_ns(self.start_ns),
            "end": format_ns(self.end_ns),
            "seconds": self.seconds,
        }


@dataclass(frozen=True)
class Selection:
    """The observations of a series inside a window (and how many lay after it)."""

    times: list[int]
    values: list[float]
    counts: list[float]
    after: int


def select(series: Series, window: Window | None) -> Selection:
    """Observations in ``window`` (all of them when ``window`` is None)."""
    if window is None:
        return Selection(list(series.times), list(series.values), list(series.counts), 0)
    keep = [i for i, t in enumerate(series.times) if window.start_ns < t <= window.end_ns]
    after = sum(1 for t in series.times if t > window.end_ns)
    return Selection(
        [series.times[i] for i in keep],
        [series.values[i] for i in keep],
        [series.counts[i] for i in keep],
        after,
    )


def summary(chosen: Selection, *, limit: float | None = None) -> dict[str, Any]:
    """``stats`` of a signal: samples, count, mean, std, min, max, p50/p95/p99, share over limit."""
    values, counts = chosen.values, chosen.counts
    total = math.fsum(counts)
    out: dict[str, Any] = {"samples": len(values), "count": total}
    weighted = [(v, c) for v, c in zip(values, counts, strict=True) if c > 0]
    if total > 0:
        low, high = min(v for v, _ in weighted), max(v for v, _ in weighted)
        # Clamped: rounding must not put the mean of a constant series off its value.
        mean = min(high, max(low, math.fsum(v * c for v, c in weighted) / total))
        squares = math.fsum(c * (v - mean) ** 2 for v, c in weighted)
        out["mean"] = mean
        out["std"] = math.sqrt(squares / (total - 1)) if total > 1 else None
        out["min"], out["max"] = low, high
        ranked = sorted(weighted)
        for key, p in PERCENTILES:
            out[key] = _nearest_rank(ranked, total, p)
    else:
        out |= {key: None for key in ("mean", "std", "min", "max", "p50", "p95", "p99")}
    if limit is not None:
        over = math.fsum(c for v, c in weighted if v > limit)
        out["share_over_limit"] = {"limit": limit, "share": over / total if total > 0 else None}
    return out


def _nearest_rank(ranked: list[tuple[float, float]], total: float, p: float) -> float:
    target = p / 100.0 * total
    seen = 0.0
    for value, count in ranked:
        seen += count
        if seen >= target - 1e-9 * total:
            return value
    return ranked[-1][0]


def coverage(chosen: Selection, window: Window, step_seconds: float | None) -> dict[str, Any]:
    """How evenly the observations cover the window (see the module notes)."""
    step = step_seconds or _median_spacing(chosen.times)
    bucket_ns = max(HOUR_NS, round(step * NS)) if step else HOUR_NS
    span = window.end_ns - window.start_ns
    buckets = max(1, -(-span // bucket_ns))
    filled = {
        min(buckets - 1, max(0, (t - window.start_ns - 1) // bucket_ns)) for t in chosen.times
    }
    longest = run = 0
    for i in range(buckets):
        run = 0 if i in filled else run + 1
        longest = max(longest, run)
    out: dict[str, Any] = {
        "bucket_seconds": bucket_ns / NS,
        "buckets": buckets,
        "filled": len(filled),
        "ratio": len(filled) / buckets,
        "longest_gap_buckets": longest,
    }
    if chosen.times:
        out["first"], out["last"] = format_ns(chosen.times[0]), format_ns(chosen.times[-1])
    return out


def _median_spacing(times: list[int]) -> float | None:
    gaps = [(b - a) / NS for a, b in itertools.pairwise(times) if b > a]
    return statistics.median(gaps) if gaps else None
