"""jsonschema is imported without its costly optional format libraries."""

from __future__ import annotations

import subprocess
import sys


def test_format_libraries_are_not_imported_but_stay_importable() -> None:
    code = (
        "import sys\n"
        "from mlgate._jsonschema import _SKIPPED, jsonschema\n"
        "jsonschema()\n"
        "print(sorted(n for n in _SKIPPED if n in sys.modules))\n"
        "import importlib.util\n"
        "print(all(sys.modules.get(n, 1) is not None for n in _SKIPPED))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded, unhidden = out.stdout.split("\n")[:2]
    assert loaded == "[]"
    assert unhidden == "True"
