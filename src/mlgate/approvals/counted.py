"""The approvals a decision counts, put into the facts before they are evaluated.

With a principals file (the bundle's own, or the one named), only signed
records from the decision log that are bound to this evidence digest and this
bundle count: they become ``facts.approvals``, and approvals written in the
facts themselves are ignored (unsigned claims), with a warning. Without a
principals file the facts are evaluated as given, and logged records cannot
count. Without a log (``check --no-log``) nothing signed can be gathered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mlgate.approvals.record import Binding
from mlgate.approvals.verify import gather
from mlgate.decisions.evaluate import evidence_digest
from mlgate.logstore.lookup import approval_records

if TYPE_CHECKING:
    from mlgate.approvals.principals import Principals
    from mlgate.bundles.model import Bundle
    from mlgate.logstore.base import LogStore


def with_counted_approvals(
    doc: dict[str, Any], bundle: Bundle, principals: Principals | None, store: LogStore | None
) -> tuple[dict[str, Any], list[str]]:
    """The facts to evaluate, and the warnings: approvals that do not count, and why."""
    warnings: list[str] = []
    counted: list[dict[str, Any]] = []
    if store is not None:
        subject = doc.get("subject") or {}
        binding = Binding(
            decision_id="",
            evidence_digest=evidence_digest(doc),
            bundle_revision=bundle.revision,
            bundle_digest=bundle.digest,
            subject={k: str(subject[k]) for k in ("name", "version") if k in subject},
        )
        gathered = gather(approval_records(store, subject), principals, binding)
        warnings += gathered.warnings()
        counted = gathered.approvals
    if principals is None:
        return doc, warnings
    unsigned = doc.get("approvals") or []
    if unsigned:
        warnings.append(
            f"{len(unsigned)} approval(s) written in the facts were ignored: with a "
            "principals file only signed approvals from the decision log count"
        )
    if counted or "approvals" in doc:
        return {**doc, "approvals": counted}, warnings
    return doc, warnings
