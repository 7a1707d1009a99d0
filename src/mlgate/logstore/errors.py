"""Errors of the decision log (exit code 2: the tool could not do its job)."""

from __future__ import annotations

from mlgate.errors import MlgateError


class LogStoreError(MlgateError):
    """The decision log cannot be opened, read or written; nothing was recorded."""


class CorruptLogError(LogStoreError):
    """A record or the head is not what mlgate writes: the log was edited.

    ``log verify`` reports it as tampering (exit 1); every other command stops
    with exit 2 and points at ``log verify``."""
