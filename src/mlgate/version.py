"""The one version source: pyproject.toml reads it (hatch), the CLI and reports print it."""

from __future__ import annotations

__version__ = "0.1.0"
