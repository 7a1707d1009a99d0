"""The outcome-change table of a re-certification, and its progress bar."""

from __future__ import annotations

import json
import sys
import time
from typing import IO

from mlgate.fleet.recertify import Summary

_ORDER = ("worse", "error", "better", "new", "unchanged")


def render_text(summary: Summary) -> str:
    """One row per model whose outcome changed (or errored, or is new), then the totals."""
    rows = sorted(summary.changes, key=lambda c: (_ORDER.index(c.kind), c.label))
    lines = []
    if rows:
        width = max(len(_model(c.name, c.version, c.label)) for c in rows)
        lines.append(f"{'MODEL':<{width}}  {'BEFORE':<21}  {'AFTER':<21}  CHANGE")
        for c in rows:
            after = c.after or f"error: {c.error}"
            model = _model(c.name, c.version, c.label)
            lines.append(f"{model:<{width}}  {c.before or '-':<21}  {after:<21}  {c.kind}")
    counts = ", ".join(f"{summary.counts.get(k, 0)} {k}" for k in _ORDER)
    lines.append(
        f"{summary.total} model(s) re-evaluated under bundle {summary.bundle_revision or '-'} "
        f"(before: {summary.compared_with}): {counts}"
    )
    return "\n".join(lines) + "\n"


def render_json(summary: Summary) -> str:
    doc = {
        "bundle_revision": summary.bundle_revision,
        "compared_with": summary.compared_with,
        "total": summary.total,
        "counts": {k: summary.counts.get(k, 0) for k in _ORDER},
        "outcomes": dict(sorted(summary.outcomes.items())),
        "changes": [
            {
                "model": c.name,
                "version": c.version,
                "source": c.label,
                "before": c.before,
                "after": c.after,
                "change": c.kind,
                **({"error": c.error} if c.error else {}),
            }
            for c in summary.changes
        ],
    }
    return json.dumps(doc, indent=2) + "\n"


def _model(name: str | None, version: str | None, label: str) -> str:
    return f"{name} {version}" if name else label


class ProgressBar:
    """``done/total [=====>    ] 42%  310/s`` on a terminal's stderr; silent elsewhere."""

    def __init__(self, total: int, stream: IO[str] | None = None, *, every: float = 0.2) -> None:
        self.total, self.stream = total, stream or sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self._start = self._last = time.monotonic()
        self._every = every

    def __call__(self, done: int) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self._last < self._every and done < self.total):
            return
        self._last = now
        share = done / self.total if self.total else 1.0
        bar = ("=" * int(share * 30)).ljust(30)
        rate = done / max(now - self._start, 1e-9)
        self.stream.write(f"\r{done}/{self.total} [{bar}] {share:4.0%}  {rate:.0f}/s")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
