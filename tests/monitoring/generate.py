"""Generated series whose verdict is known by construction (seeded, so repeatable).

``points`` lays observations every ``step_minutes`` over ``days`` ending at
``end``; each value is ``mean + shape + noise`` where the shape is nothing
(noise only), a step change over the last ``step_days`` days, or a slow linear
trend of ``trend_per_day`` from the first point. ``latency`` writes, at each
time, a fast and a slow group of requests with counts, so that the share of
requests over a limit is exact.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

END = "2026-11-01T00:00:00Z"


def parse(ts: str) -> datetime:
    return datetime.fromisoformat(ts.replace("Z", "+00:00"))


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def times(
    end: str = END, *, days: float = 7, step_minutes: float = 60, offset_days: float = 0
) -> list[datetime]:
    """Timestamps every ``step_minutes`` over ``days`` ending ``offset_days`` before ``end``."""
    last = parse(end) - timedelta(days=offset_days)
    n = int(days * 24 * 60 / step_minutes)
    return [last - timedelta(minutes=step_minutes * i) for i in reversed(range(n))]


def points(
    *,
    mean: float,
    sd: float = 0.0,
    seed: int = 1,
    end: str = END,
    days: float = 7,
    step_minutes: float = 60,
    offset_days: float = 0,
    step_by: float = 0.0,
    step_days: float = 0.0,
    trend_per_day: float = 0.0,
    skip_hours: tuple[float, float] | None = None,
) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    stamps = times(end, days=days, step_minutes=step_minutes, offset_days=offset_days)
    first, last = stamps[0], stamps[-1]
    out = []
    for t in stamps:
        age_h = (last - t).total_seconds() / 3600
        if skip_hours and skip_hours[0] <= age_h < skip_hours[1]:
            continue
        value = mean + rng.gauss(0, sd) if sd else mean
        if step_days and age_h < step_days * 24:
            value += step_by
        value += trend_per_day * (t - first).total_seconds() / 86400
        out.append({"timestamp": rfc3339(t), "value": round(value, 9)})
    return out


def latency(
    *, fast_ms: float, slow_ms: float, slow_per_100: int, end: str = END, days: float = 7
) -> list[dict[str, Any]]:
    """Each hour: (100 - slow_per_100) requests at fast_ms and slow_per_100 at slow_ms."""
    out = []
    for t in times(end, days=days, step_minutes=60):
        out.append({"timestamp": rfc3339(t), "value": fast_ms, "count": 100 - slow_per_100})
        if slow_per_100:
            out.append({"timestamp": rfc3339(t), "value": slow_ms, "count": slow_per_100})
    return out


def write(path: Path, observations: list[dict[str, Any]], *, unit: str | None = None) -> Path:
    doc: dict[str, Any] = {"observations": observations}
    if unit:
        doc["unit"] = unit
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def drift_report(path: Path, scores: dict[str, float], method: str) -> Path:
    """A legacy Evidently report with one DataDriftTable."""
    columns = {
        name: {
            "column_name": name,
            "column_type": "num",
            "stattest_name": method,
            "stattest_threshold": 0.1,
            "drift_score": score,
            "drift_detected": score > 0.1,
        }
        for name, score in scores.items()
    }
    report = {"metrics": [{"metric": "DataDriftTable", "result": {"drift_by_columns": columns}}]}
    path.write_text(json.dumps(report), encoding="utf-8")
    return path


def facts(tier: str | None = "medium", **extra: Any) -> dict[str, Any]:
    subject: dict[str, Any] = {"name": "credit-default", "version": "3.2.0", "owner": "dana"}
    if tier:
        subject["risk_tier"] = tier
    return {"apiVersion": "mlgate/v1", "kind": "ModelFacts", "subject": subject, **extra}
