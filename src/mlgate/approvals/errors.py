"""Errors of the approvals layer (exit code 2, like every input error)."""

from __future__ import annotations

from mlgate.errors import InputError


class ApprovalError(InputError):
    """An approval, key or principals file was refused; the message says why."""
