"""The output seam: every format renders the same decision object."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Protocol, assert_never, runtime_checkable

from mlgate.report.codequality import CodeQualityFormatter
from mlgate.report.github import GithubFormatter
from mlgate.report.html import HtmlFormatter
from mlgate.report.json_format import JsonFormatter
from mlgate.report.junit import JunitFormatter
from mlgate.report.markdown import MarkdownFormatter
from mlgate.report.sarif import SarifFormatter
from mlgate.report.text import TextFormatter

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
        if self is OutputFormat.TEXT:
            return TextFormatter(color=color)
        if self is OutputFormat.JSON:
            return JsonFormatter()
        if self is OutputFormat.JUNIT:
            return JunitFormatter()
        if self is OutputFormat.SARIF:
            return SarifFormatter()
        if self is OutputFormat.GITHUB:
            import os

            return GithubFormatter(step_summary=os.environ.get("GITHUB_STEP_SUMMARY") or None)
        if self is OutputFormat.MARKDOWN:
            return MarkdownFormatter()
        if self is OutputFormat.HTML:
            return HtmlFormatter()
        if self is OutputFormat.CODEQUALITY:
            return CodeQualityFormatter()
        assert_never(self)
