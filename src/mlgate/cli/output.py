"""Writing command output: stdout, or a file written whole or not at all."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from mlgate.errors import InputError


def write_atomic(path: Path, content: str) -> None:
    """Write ``content`` to ``path`` via a temporary file and a rename."""
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(f"{path}: cannot write output: directory {directory} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    except OSError as exc:
        raise InputError(f"{path}: cannot write output: {exc.strerror}") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"{path}: cannot write output: {exc.strerror}") from exc


def emit(content: str, output: Path | None) -> None:
    if output is None or str(output) == "-":
        sys.stdout.write(content)
        sys.stdout.flush()
    else:
        write_atomic(output, content)


def use_color(stream: object = None) -> bool:
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
