"""Several outputs of one decision: ``--output FORMAT=FILE`` (repeatable).

Every output is rendered first, then every file is written to a temporary file
beside its target, and only when all of them were written are they renamed
into place: the outputs appear together or not at all. ``-`` as FILE is
stdout. A plain ``--output FILE`` (no known ``FORMAT=``) takes ``--format``'s
output, as before; a plain value that is a format name (``-o sarif``) is refused.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mlgate.errors import InputError, UsageError
from mlgate.files import check_writable, write_all
from mlgate.report.base import AppendsOutput, Formatter, OutputFormat

if TYPE_CHECKING:
    from mlgate.decisions.model import Decision

_FORMAT_PREFIX = re.compile(r"^([A-Za-z][\w-]*)=(.+)$")


@dataclass(frozen=True)
class Target:
    format: OutputFormat
    path: Path | None  # None: stdout


def parse_targets(values: list[str], default: OutputFormat) -> list[Target]:
    """The outputs asked for; stdout gets ``default`` unless a plain FILE took it."""
    targets: list[Target] = []
    plain: list[str] = []
    for value in values:
        match = _FORMAT_PREFIX.match(value)
        if match and "/" not in match.group(1):
            name, where = match.group(1).lower(), match.group(2)
            try:
                fmt = OutputFormat(name)
            except ValueError:
                choices = ", ".join(f.value for f in OutputFormat)
                raise UsageError(
                    f"--output {value}: unknown format {name!r} (choose from {choices}; "
                    f"to name a file with '=' in it, write ./{value})"
                ) from None
            targets.append(Target(fmt, None if where == "-" else Path(where)))
        else:
            _refuse_format_name(value)
            plain.append(value)
    if len(plain) > 1:
        raise UsageError(f"--output: only one plain FILE may take --format's output, got {plain}")
    stdout = plain[0] if plain else "-"
    targets.insert(0, Target(default, None if stdout == "-" else Path(stdout)))
    files = [str(t.path.resolve()) for t in targets if t.path is not None]
    if len(files) != len(set(files)):
        raise UsageError("--output: two outputs name the same file")
    if sum(1 for t in targets if t.path is None) > 1:
        raise UsageError("--output: only one output can go to stdout ('-')")
    # Before anything is decided or logged: a decision must not be recorded for
    # a run that then cannot write what it was asked to.
    check_writable([t.path for t in targets if t.path is not None])
    return targets


def _refuse_format_name(value: str) -> None:
    """``-o sarif`` meant a format, not a file named ``sarif`` holding a text report."""
    name = value.lower()
    if name in {f.value for f in OutputFormat}:
        raise UsageError(
            f"--output {value}: {value!r} is a format name, not a file; write "
            f"-o {name}=FILE, --format {name} for stdout, or -o ./{value} for a file of that name"
        )


def _append(path: Path, content: str) -> None:
    try:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(content)
    except OSError as exc:
        raise InputError(f"{path}: cannot append the job summary: {exc.strerror}") from exc


def emit_all(
    decision: Decision,
    targets: list[Target],
    *,
    color: bool,
    text_formatter: Callable[..., Formatter] | None = None,
) -> bool:
    """Render and write every target; ``True`` when stdout got a text report.

    ``text_formatter`` builds the text formatter (called with ``color=``) when the
    decision has its own (monitoring); other formats are the same for all.
    """
    rendered: list[tuple[Target, str, Formatter]] = []
    for t in targets:
        tty_color = color and t.path is None
        if text_formatter is not None and t.format is OutputFormat.TEXT:
            formatter = text_formatter(color=tty_color)
        else:
            formatter = t.format.to_formatter(color=tty_color)
        rendered.append((t, formatter.render(decision), formatter))
    write_all([(t.path, text) for t, text, _ in rendered if t.path is not None])
    for t, text, _ in rendered:
        if t.path is None:
            sys.stdout.write(text)
            sys.stdout.flush()
    for _, _, formatter in rendered:
        if isinstance(formatter, AppendsOutput):
            for path, text in formatter.appends(decision):
                _append(path, text)
    return any(t.path is None and t.format is OutputFormat.TEXT for t in targets)


def enforcement_exit(code: int, outcome: str) -> int:
    """Report-only mode: say on stderr what would have happened, and exit 0."""
    print(
        f"mlgate: enforcement is off (--no-enforce): the outcome is {outcome}, which would "
        f"have exited {code}; exiting 0",
        file=sys.stderr,
    )
    return 0
