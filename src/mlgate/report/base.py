"""The output seam: every format renders the same decision object."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Protocol, assert_never

if TYPE_CHECKING:
    from mlgate.decisions.model import Decision


class Formatter(Protocol):
    def render(self, decision: Decision) -> str: ...


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"

    def to_formatter(self, *, color: bool = False) -> Formatter:
        if self is OutputFormat.TEXT:
            from mlgate.report.text import TextFormatter

            return TextFormatter(color=color)
        if self is OutputFormat.JSON:
            from mlgate.report.json_format import JsonFormatter

            return JsonFormatter()
        assert_never(self)
