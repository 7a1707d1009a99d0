"""The engine seam: every engine evaluates a query over a loaded bundle.

An engine is built from a bundle (``from_bundle``), answers ``evaluate`` any
number of times with different inputs, and is closed once. Every failure is an
``EngineError``; an undefined result is an ``UndefinedDecisionError``. An engine
never turns an error into a value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from mlgate.bundles.entry import DECISION_QUERY as DECISION_QUERY  # the engines' default query
from mlgate.errors import UsageError

DEFAULT_TIMEOUT_S = 30.0
MAX_TIMEOUT_S = 86_400.0


def check_timeout(seconds: float | None) -> float:
    """``--timeout``: a number of seconds above 0 and at most a day (None: the default)."""
    import math

    if seconds is None:
        return DEFAULT_TIMEOUT_S
    if not (math.isfinite(seconds) and 0 < seconds <= MAX_TIMEOUT_S):
        raise UsageError(
            f"--timeout {seconds:g}: give the seconds an engine call may take, above 0 and "
            f"at most {MAX_TIMEOUT_S:g}"
        )
    return float(seconds)


@dataclass(frozen=True)
class EngineInfo:
    """What the decision records about the engine that produced it."""

    name: str
    version: str
    location: str = ""

    def to_json(self) -> dict[str, str]:
        out = {"name": self.name, "version": self.version}
        if self.location:
            out["location"] = self.location
        return out


class Engine(Protocol):
    """A Rego engine with one bundle loaded."""

    info: EngineInfo

    def evaluate(self, query: str, input: dict[str, Any]) -> Any:
        """Return the JSON value of ``query`` (e.g. ``data.mlgate.decision``).

        Raises ``UndefinedDecisionError`` when the query is undefined and
        ``EngineError`` for every other failure (timeout, crash, transport).
        """
        ...

    def close(self) -> None:
        """Release the engine's resources (worker processes, HTTP sessions)."""
        ...
