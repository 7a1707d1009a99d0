"""Process exit codes: documented in README.md and in ``mlgate --help``."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    PASS = 0
    FAIL = 1
    ERROR = 2
    NEEDS_APPROVAL = 3
    INSUFFICIENT_EVIDENCE = 4


OUTCOME_EXIT = {
    "pass": ExitCode.PASS,
    "fail": ExitCode.FAIL,
    "needs_approval": ExitCode.NEEDS_APPROVAL,
    "insufficient_evidence": ExitCode.INSUFFICIENT_EVIDENCE,
}
