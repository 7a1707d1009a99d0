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
        # One line each, whatever paths or values they were built from.
        message = one_line(message)
        super().__init__(message)
        self.message = message
        self.details: list[str] = [one_line(line) for line in details or []]


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


def one_line(text: str) -> str:
    """``text`` as one printable line: control characters (a newline in a key) and
    lone surrogates escaped as ``\\n`` / ``\\x1b`` / ``\\ud800``, so an error message
    built from a user's paths and values can never span lines or hide a byte."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else _escape(c) for c in text)


def _escape(char: str) -> str:
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char)
    if named:
        return named
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
