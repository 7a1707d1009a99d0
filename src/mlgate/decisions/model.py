"""The decision document and what it means for the process exit code.

A decision is JSON (``schemas/decision.schema.json``): the policy's part
(outcome, violations, missing evidence, required approvals, waivers) plus what
mlgate adds (decision id, bundle revision and digest, input digest, time,
engine). ``Decision`` wraps that document with typed accessors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mlgate.exitcodes import OUTCOME_EXIT, ExitCode

if TYPE_CHECKING:
    from mlgate.bundles.model import Bundle

SCHEMA_VERSION = "mlgate.decision/v1"
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
    def violations(self) -> list[dict[str, Any]]:
        return list(self.document.get("violations", []))

    @property
    def missing_evidence(self) -> list[dict[str, Any]]:
        return list(self.document.get("missing_evidence", []))

    @property
    def required_approvals(self) -> list[dict[str, Any]]:
        return list(self.document.get("required_approvals", []))

    @property
    def waivers_applied(self) -> list[dict[str, Any]]:
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
