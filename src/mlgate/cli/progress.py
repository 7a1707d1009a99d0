"""A progress bar for long runs (``recertify``, ``bundle diff`` impact analysis).

It writes to stderr only when stderr is a terminal: piped or redirected output,
and CI logs, get nothing extra.
"""

from __future__ import annotations

import sys
import time
from typing import IO


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
