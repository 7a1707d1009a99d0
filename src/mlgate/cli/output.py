"""Writing command output: stdout, or a file written whole or not at all (``files``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from mlgate.files import write_atomic


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
