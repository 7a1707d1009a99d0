"""Errors of the decision log (exit code 2: the tool could not do its job)."""

from __future__ import annotations

from mlgate.errors import MlgateError


class LogStoreError(MlgateError):
    """The decision log cannot be opened, read or written; nothing was recorded."""
