"""The decision document and what it means for the process exit code.

A decision is JSON (``schemas/decision.schema.json``): the policy's part
(outcome, violations, missing evidence, required approvals, waivers) plus what
mlgate adds (decision id, bundle revision and digest, input digest, time,
engine). ``Decision`` wraps that document with typed accessors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Required, TypedDict

from mlgate.exitcodes import OUTCOME_EXIT, ExitCode

if TYPE_CHECKING:
    from mlgate.bundles.model import Bundle

SCHEMA_VERSION = "mlgate.decision/v1"


# The shapes of a decision's findings (schemas/decision.schema.json), for readers.
class Violation(TypedDict, total=False):
    control: Required[str]
    rule: Required[str]
    severity: Required[str]  # critical | high | medium | low | info
    message: Required[str]
    expected: Any
    actual: Any
    evidence: str  # a JSON pointer into the facts
    source: dict[str, Any]  # the evidence's provenance, added by mlgate


class MissingEvidence(TypedDict, total=False):
    control: Required[str]
    path: Required[str]  # the JSON pointer of the facts that are missing
    message: str


class RequiredApproval(TypedDict, total=False):
    role: Required[str]
    count: Required[int]
    reason: Required[str]
    given: int
    controls: list[str]


class WaiverApplied(TypedDict):
    control: str
    reason: str
    ticket: str
    approver: str
    expires_at: str


OUTCOMES = tuple(OUTCOME_EXIT)


@dataclass(frozen=True)
class Decision:
    document: dict[str, Any]

    @property
    def outcome(self) -> str:
        return str(self.document["outcome"])

    @property
    def exit_code(self) -> ExitCode:
        return OUTCOME_EXIT[self.outcome]

    @property
    def decision_id(self) -> str:
        return str(self.document.get("decision_id", ""))

    @property
    def violations(self) -> list[Violation]:
        return list(self.document.get("violations", []))

    @property
    def missing_evidence(self) -> list[MissingEvidence]:
        return list(self.document.get("missing_evidence", []))

    @property
    def required_approvals(self) -> list[RequiredApproval]:
        return list(self.document.get("required_approvals", []))

    @property
    def waivers_applied(self) -> list[WaiverApplied]:
        return list(self.document.get("waivers_applied", []))

    @property
    def warnings(self) -> list[str]:
        return list(self.document.get("warnings", []))

    @property
    def subject(self) -> dict[str, Any]:
        return dict(self.document.get("subject", {}))


@dataclass(frozen=True)
class Checked:
    """A decision and exactly what it was made from (read once, reused by reports)."""

    decision: Decision
    facts: dict[str, Any]
    bundle: Bundle
