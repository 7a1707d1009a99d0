"""The output seam: every format renders the same decision object."""

from __future__ import annotations

import importlib
import os
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol, cast, runtime_checkable

if TYPE_CHECKING:
    from pathlib import Path

    from mlgate.decisions.model import Decision


class Formatter(Protocol):
    def render(self, decision: Decision) -> str: ...


@runtime_checkable
class AppendsOutput(Protocol):
    """A formatter that also appends to files it names (GitHub's job summary)."""

    def appends(self, decision: Decision) -> list[tuple[Path, str]]: ...


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    JUNIT = "junit"
    SARIF = "sarif"
    GITHUB = "github"
    MARKDOWN = "markdown"
    HTML = "html"
    CODEQUALITY = "codequality"

    def to_formatter(self, *, color: bool = False) -> Formatter:
        """The format's formatter; its module is imported only when it is used (a
        registry by name: `check --format json` loads no HTML renderer)."""
        module, name = _FORMATTERS[self]
        cls = getattr(importlib.import_module(module), name)
        if self is OutputFormat.TEXT:
            return cast("Formatter", cls(color=color))
        if self is OutputFormat.GITHUB:
            return cast(
                "Formatter", cls(step_summary=os.environ.get("GITHUB_STEP_SUMMARY") or None)
            )
        return cast("Formatter", cls())


_FORMATTERS: dict[OutputFormat, tuple[str, str]] = {
    OutputFormat.TEXT: ("mlgate.report.text", "TextFormatter"),
    OutputFormat.JSON: ("mlgate.report.json_format", "JsonFormatter"),
    OutputFormat.JUNIT: ("mlgate.report.junit", "JunitFormatter"),
    OutputFormat.SARIF: ("mlgate.report.sarif", "SarifFormatter"),
    OutputFormat.GITHUB: ("mlgate.report.github", "GithubFormatter"),
    OutputFormat.MARKDOWN: ("mlgate.report.markdown", "MarkdownFormatter"),
    OutputFormat.HTML: ("mlgate.report.html", "HtmlFormatter"),
    OutputFormat.CODEQUALITY: ("mlgate.report.codequality", "CodeQualityFormatter"),
}
