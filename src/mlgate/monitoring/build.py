"""Assemble the facts' ``monitoring`` section from series, baselines and drift reports.

``--series NAME[:UNIT]=FILE`` gives one signal: its statistics over the
trailing window and its coverage. ``--baseline NAME=FILE`` adds the baseline
statistics (every observation of that file) to the signal of that name.
``--champion NAME=FILE`` is the same signal measured on the champion: with it
the signal becomes a canary comparison (a latency signal as
``latency_p99_ms`` and ``latency_p50_ms``, a canonical metric as its window
mean). ``--drift FILE`` adds an Evidently report's drift scores.

Two numbers come from the bundle (``data.mlgate.monitoring.thresholds[tier]``)
so that the statistics match what the policy compares: ``window.days`` and
``latency.limit_ms`` (and the latency signal's name). The policy checks both.
The latency signal must be in milliseconds (seconds are converted, declared
units only); a series and its baseline must agree on their unit.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from mlgate.errors import InputError, UsageError
from mlgate.facts.adapters.base import AdapterOptions
from mlgate.facts.metrics import lookup
from mlgate.monitoring.canary import pair
from mlgate.monitoring.drift import drift_entries
from mlgate.monitoring.series import Series, read_series
from mlgate.monitoring.specs import SeriesSpec, Settings
from mlgate.monitoring.stats import Window, coverage, select, summary
from mlgate.times import format_ns


@dataclass
class Inputs:
    series: Sequence[SeriesSpec] = ()
    baselines: Sequence[SeriesSpec] = ()
    champions: Sequence[SeriesSpec] = ()
    drift: Sequence[str] = ()
    warnings: list[str] = field(default_factory=list)


def build_section(
    inputs: Inputs, *, end_ns: int, settings: Settings, options: AdapterOptions
) -> dict[str, Any]:
    """The ``monitoring`` section (window, signals, canary, drift) computed from ``inputs``."""

    window = Window.trailing(end_ns, settings.window_days)
    loaded: dict[str, Series] = {}
    for spec in inputs.series:
        series = _read(spec, settings, options)
        name = spec.name or series.name
        if not name:
            raise UsageError(f"--series {spec.path}: name the signal: --series NAME=FILE")
        if name in loaded:
            raise UsageError(f"--series: the signal {name} is given twice")
        loaded[name] = series
    signals = [_signal(n, s, window, settings, inputs) for n, s in loaded.items()]
    for spec in inputs.baselines:
        _attach_baseline(spec, signals, loaded, settings, options)
    section: dict[str, Any] = {"window": window.to_json(), "signals": signals} if signals else {}
    canary = [
        p for spec in inputs.champions for p in _champion(spec, loaded, window, settings, options)
    ]
    named = [p["name"] for p in canary]
    if len(named) != len(set(named)):
        twice = next(n for n in named if named.count(n) > 1)
        raise UsageError(f"--champion: a champion signal is given twice ({twice})")
    if inputs.champions:
        section["canary"] = {"metrics": canary}
    drift: list[dict[str, Any]] = []
    for location in inputs.drift:
        entries, warnings = drift_entries(location, options)
        drift += entries
        inputs.warnings.extend(warnings)
    if inputs.drift:
        section["drift"] = drift
    return section


def _read(spec: SeriesSpec, settings: Settings, options: AdapterOptions) -> Series:
    series = read_series(spec.path, unit=spec.unit, options=options)
    name = spec.name or series.name
    _in_range(series, name, settings)
    if name != settings.latency_signal:
        return series
    if series.unit not in ("ms", "s"):
        shown = f"in {series.unit}" if series.unit else "without a unit"
        raise InputError(
            f"{spec.path}: the latency signal {name} is {shown}; declare ms or s "
            f"(--series {name}:ms=FILE, or a unit in the file)"
        )
    if series.unit == "s":  # a declared unit, converted exactly as declared
        return replace(series, values=array("d", (v * 1000.0 for v in series.values)), unit="ms")
    return series


def _in_range(series: Series, name: str | None, settings: Settings) -> None:
    """A confidence lies in [0, 1]; a canonical metric in its registry range."""
    spec = lookup(name) if name else None
    if name == settings.confidence_signal:
        low, high, what = 0.0, 1.0, "a confidence"
    elif spec is not None:
        low, high, what = spec.minimum, spec.maximum, spec.name
    else:
        return
    for i, value in enumerate(series.values):
        if not low <= value <= high:
            raise InputError(
                f"{series.origin}: observation {i + 1}: {value:g} is outside {what}'s "
                f"range [{low:g}, {high:g}]"
            )


def _signal(
    name: str, series: Series, window: Window, settings: Settings, inputs: Inputs
) -> dict[str, Any]:
    chosen = select(series, window)
    if chosen.after:
        inputs.warnings.append(
            f"{series.origin}: {chosen.after} observation(s) after the evaluation time were ignored"
        )
    limit = settings.limit_ms if name == settings.latency_signal else None
    signal: dict[str, Any] = {"name": name}
    if series.unit:
        signal["unit"] = series.unit
    signal["stats"] = summary(chosen, limit=limit)
    signal["coverage"] = coverage(chosen, window, series.step_seconds)
    signal["source"] = {
        "tool": f"mlgate-{series.kind}",
        "file": series.origin,
        "sha256": series.sha256,
    }
    return signal


def _attach_baseline(
    spec: SeriesSpec,
    signals: list[dict[str, Any]],
    loaded: dict[str, Series],
    settings: Settings,
    options: AdapterOptions,
) -> None:
    base = _read(spec, settings, options)
    name = spec.name or base.name
    if not name:
        raise UsageError(f"--baseline {spec.path}: name the signal: --baseline NAME=FILE")
    target = next((s for s in signals if s["name"] == name), None)
    if target is None:
        raise UsageError(f"--baseline {spec.path}: no --series gives the signal {name}")
    if "baseline" in target:
        raise UsageError(f"--baseline: the signal {name} is given twice")
    _same_unit(spec.path, "the baseline", base, loaded[str(name)], str(name))
    stats = summary(select(base, None))
    target["baseline"] = {
        "samples": stats["samples"],
        "mean": stats["mean"],
        "std": stats["std"],
        "source": {"tool": f"mlgate-{base.kind}", "file": base.origin, "sha256": base.sha256},
    }
    if len(base):
        target["baseline"] |= {"start": format_ns(base.times[0]), "end": format_ns(base.times[-1])}


def _champion(
    spec: SeriesSpec,
    loaded: dict[str, Series],
    window: Window,
    settings: Settings,
    options: AdapterOptions,
) -> list[dict[str, Any]]:
    champion = _read(spec, settings, options)
    name = spec.name or champion.name or ""
    if name not in loaded:
        raise UsageError(f"--champion {spec.path}: no --series gives the signal {name or '?'}")
    _same_unit(spec.path, "the champion", champion, loaded[name], name)
    mine, theirs = summary(select(loaded[name], window)), summary(select(champion, window))
    if name == settings.latency_signal:
        return [
            pair("latency_p99_ms", theirs["p99"], mine["p99"]),
            pair("latency_p50_ms", theirs["p50"], mine["p50"]),
        ]
    if lookup(name) is None:
        raise UsageError(
            f"--champion {name}: {name} has no direction in the metric registry, so "
            "'worse' is undefined; compare canonical metrics (e.g. roc_auc) or latency"
        )
    return [pair(name, theirs["mean"], mine["mean"])]


def _same_unit(path: str, what: str, other: Series, series: Series, name: str) -> None:
    if other.unit and series.unit and other.unit != series.unit:
        raise InputError(f"{path}: mixed units: {what} is in {other.unit}, {name} in {series.unit}")
