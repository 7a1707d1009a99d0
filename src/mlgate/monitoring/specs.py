"""What the command line names (``SeriesSpec``) and what the bundle fixes (``Settings``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_SPEC = re.compile(r"^(?P<name>[A-Za-z_][\w.-]*)(?::(?P<unit>[^=:/]+))?=(?P<path>.+)$")
DEFAULT_WINDOW_DAYS = 7.0
DEFAULT_LIMIT_MS = 500.0


@dataclass(frozen=True)
class SeriesSpec:
    """``NAME[:UNIT]=FILE`` from the command line (or just ``FILE``: the name is in the file)."""

    path: str
    name: str | None = None
    unit: str | None = None

    @classmethod
    def parse(cls, text: str) -> SeriesSpec:
        match = _SPEC.match(text)
        if match is None:
            return cls(path=text)
        return cls(path=match["path"], name=match["name"], unit=match["unit"])


@dataclass(frozen=True)
class Settings:
    """What the bundle says the statistics must be computed with."""

    window_days: float = DEFAULT_WINDOW_DAYS
    latency_signal: str = "latency_ms"
    limit_ms: float = DEFAULT_LIMIT_MS
    confidence_signal: str = "prediction_confidence"

    @classmethod
    def from_bundle(
        cls, data: dict[str, Any], tier: Any, window_days: float | None = None
    ) -> Settings:
        tiers = _at(data, "mlgate", "monitoring", "thresholds")
        th = tiers.get(tier) if isinstance(tier, str) and isinstance(tiers, dict) else None
        th = th if isinstance(th, dict) else {}
        days = _number(_at(th, "window", "days"))
        signal = _at(th, "latency", "signal")
        limit = _number(_at(th, "latency", "limit_ms"))
        confidence = _at(th, "confidence", "signal")
        return cls(
            window_days=window_days or days or DEFAULT_WINDOW_DAYS,
            latency_signal=signal if isinstance(signal, str) else "latency_ms",
            limit_ms=limit if limit is not None else DEFAULT_LIMIT_MS,
            confidence_signal=confidence
            if isinstance(confidence, str)
            else "prediction_confidence",
        )


def _at(node: Any, *keys: str) -> Any:
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    return node


def _number(value: Any) -> float | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    return float(value) if ok else None
