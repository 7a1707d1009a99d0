"""The error hierarchy. Each user-facing error maps to one exit code.

Errors are raised deep in the library and turned into one clean line at the CLI
edge (see ``mlgate.cli.main``). ``--debug`` shows the traceback.
"""

from __future__ import annotations

from mlgate.exitcodes import ExitCode


class MlgateError(Exception):
    """Base class of every error mlgate reports to a user."""

    exit_code: ExitCode = ExitCode.ERROR

    def __init__(self, message: str, *, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: list[str] = list(details or [])


class UsageError(MlgateError):
    """Bad command-line usage: unknown option value, conflicting flags."""


class InputError(MlgateError):
    """A user-supplied file (facts, key, config) is missing, unreadable or invalid."""


class FactsValidationError(InputError):
    """A facts document breaks the schema; ``details`` lists ``/pointer: reason`` lines."""


class FactsConflictError(InputError):
    """Two sources give different values for the same fact."""


class BundleError(MlgateError):
    """A policy bundle is unreadable, unsafe, or missing its entry point."""


class EngineError(MlgateError):
    """The policy engine failed: unreachable, timed out, crashed, or gave no decision."""


class UndefinedDecisionError(EngineError):
    """The decision query was undefined: the bundle produced no decision."""
