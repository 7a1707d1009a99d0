"""Add the reports' ``details`` to a decision ``mlgate check`` just made.

The decision comes from ``mlgate.gate.check`` (or the decision log's
``check_and_record``); this reads the facts files and the bundle again and
proves they are what was decided before describing them:

* the bundle's digest must equal the decision's ``bundle.digest``;
* the facts' ``evidence_digest`` (facts without approvals and evaluation time)
  must equal the decision's. The approvals evaluated may differ from the
  file's (the decision log puts verified ones in their place), so the file's
  approval records are shown only when the whole input digest matches too.

Either mismatch means a file changed while mlgate ran: an error, never a
report about other inputs. Facts read from stdin cannot be read twice: the
details then carry the controls and thresholds but no measured values.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mlgate.decisions.model import Decision
from mlgate.errors import BundleError, InputError


def _reloaded_facts(decision: Decision, paths: Sequence[str | Path]) -> dict[str, Any]:
    from mlgate.canonical import digest
    from mlgate.decisions.evaluate import evidence_digest, prepare_input
    from mlgate.facts.document import load_facts

    doc = load_facts(paths).document
    expected = decision.document.get("evidence_digest")
    if expected and evidence_digest(doc) != expected:
        raise InputError("the facts changed while mlgate was running: run the check again")
    engine_input = prepare_input(doc, str(decision.document.get("evaluated_at") or ""))
    if digest(engine_input) != decision.document.get("input_digest"):
        doc = {k: v for k, v in doc.items() if k != "approvals"}
    return doc


def attach_details(
    decision: Decision,
    facts_paths: Sequence[str | Path],
    bundle_location: str | Path | None,
    *,
    enforced: bool = True,
) -> Decision:
    from mlgate.bundles.load import load_bundle
    from mlgate.gate import default_bundle
    from mlgate.report.details import build_details, with_details

    from_stdin = any(str(p) == "-" for p in facts_paths)
    facts = {} if from_stdin else _reloaded_facts(decision, facts_paths)
    bundle = load_bundle(bundle_location or default_bundle())
    if bundle.digest != (decision.document.get("bundle") or {}).get("digest"):
        raise BundleError(f"{bundle.source}: the bundle changed while mlgate was running")
    files = [] if from_stdin else list(facts_paths)
    return with_details(decision, build_details(decision, facts, files, bundle, enforced=enforced))


def require_fresh_policy(
    facts_paths: Sequence[str | Path], bundle_location: str | Path | None, ref: str
) -> None:
    """Raise ``PolicyChangedError`` (exit 1) when the policy is newer than the evidence."""
    from mlgate.bundles.freshness import PolicyChangedError, is_after, newest_policy_change
    from mlgate.errors import UsageError
    from mlgate.facts.document import load_facts
    from mlgate.gate import default_bundle
    from mlgate.report.evidence import newest_collected_at

    if any(str(p) == "-" for p in facts_paths):
        raise UsageError("--policy-changed-since needs facts files, not stdin")
    collected = newest_collected_at(load_facts(facts_paths).document)
    if collected is None:
        raise InputError(
            "--policy-changed-since: the facts have no source.collected_at, so it cannot be "
            "shown that the evidence is newer than the policy"
        )
    change = newest_policy_change(Path(bundle_location or default_bundle()), ref)
    if change is not None and is_after(change.changed_at, collected):
        raise PolicyChangedError(change, collected)
