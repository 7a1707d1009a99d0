"""Add the reports' ``details`` to a decision ``mlgate check`` just made.

The details (controls, thresholds, measured values, file:line of evidence)
are built from the very facts and bundle the decision was made from
(``decisions.model.Checked``): nothing is read a second time. Facts read from
stdin have no file to point into, so the details then carry no file:line.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mlgate.bundles.freshness import PolicyChangedError, is_after, newest_policy_change
from mlgate.errors import InputError, UsageError
from mlgate.explain.details import build_details, with_details
from mlgate.explain.evidence import newest_collected_at
from mlgate.facts.document import load_facts
from mlgate.resources import bundle_dir

if TYPE_CHECKING:
    from mlgate.decisions.model import Checked, Decision


def attach_details(
    checked: Checked,
    facts_paths: Sequence[str | Path],
    *,
    enforced: bool = True,
    logged: bool = True,
    approvals_verified: bool | None = None,
) -> Decision:
    """``approvals_verified``: a principals file was in force, so the facts' approvals
    are the verified signed records from the log (false: the facts' own claims)."""
    files = [p for p in facts_paths if str(p) != "-"]
    details = build_details(
        checked.decision,
        checked.facts,
        files,
        checked.bundle,
        enforced=enforced,
        logged=logged,
        approvals_verified=approvals_verified,
    )
    return with_details(checked.decision, details)


def require_fresh_policy(
    facts_paths: Sequence[str | Path], bundle_location: str | Path | None, ref: str
) -> None:
    """Raise ``PolicyChangedError`` (exit 1) when the policy is newer than the evidence."""

    if any(str(p) == "-" for p in facts_paths):
        raise UsageError("--policy-changed-since needs facts files, not stdin")
    collected = newest_collected_at(load_facts(facts_paths).document)
    if collected is None:
        raise InputError(
            "--policy-changed-since: the facts have no source.collected_at, so it cannot be "
            "shown that the evidence is newer than the policy"
        )
    change = newest_policy_change(Path(bundle_location or bundle_dir()), ref)
    if change is not None and is_after(change.changed_at, collected):
        raise PolicyChangedError(change, collected)
