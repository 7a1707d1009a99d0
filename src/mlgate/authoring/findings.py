"""A lint finding: level, code, message and where (``file:line``), rendered one per line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_LOCATION = re.compile(r"^(?P<file>[^:\s][^:]*):(?P<line>\d+)(?::\d+)?: (?P<message>.*)$")
_CALL_AT = re.compile(r"\((?P<file>[^()\s]+):(?P<line>\d+)\)")


@dataclass(frozen=True)
class Finding:
    level: str  # "error" or "warning"
    code: str
    message: str
    file: str = ""
    line: int = 0

    def to_json(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("level", "code", "message", "file", "line")}

    def render(self) -> str:
        where = (
            f"{self.file}:{self.line}: " if self.line else (f"{self.file}: " if self.file else "")
        )
        return f"{where}{self.level} [{self.code}] {self.message}"


def error(code: str, message: str, file: str = "", line: int = 0) -> Finding:
    return Finding("error", code, message, file, line)


def warning(code: str, message: str, file: str = "", line: int = 0) -> Finding:
    return Finding("warning", code, message, file, line)


def located(level: str, code: str, text: str) -> Finding:
    """A finding from an engine message: ``file:line[:col]: message``, or ``… (file:line)``."""
    match = _LOCATION.match(text)
    if match:
        return Finding(level, code, match["message"], match["file"], int(match["line"]))
    call = _CALL_AT.search(text)
    if call:
        return Finding(level, code, text, call["file"], int(call["line"]))
    return Finding(level, code, text)


def render_text(findings: list[Finding], source: str) -> str:
    errors = sum(f.level == "error" for f in findings)
    lines = [f.render() for f in findings]
    lines.append(f"{source}: {errors} error(s), {len(findings) - errors} warning(s)")
    return "\n".join(lines) + "\n"
