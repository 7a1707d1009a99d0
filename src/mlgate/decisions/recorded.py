"""``mlgate check`` with the decision log: gather approvals, decide, record.

1. Open the log first: if it cannot be opened nothing is evaluated (exit 2).
2. Before evaluation, the approval records logged for the subject are
   verified against the principals file; those bound to this evidence digest
   and bundle become ``facts.approvals``. With a principals file, approvals
   written in the facts themselves are ignored (they are unsigned claims);
   without one, the facts are evaluated as given and logged records cannot count.
3. The decision and the (masked) facts are appended; if that fails the check
   fails (exit 2) and no decision is printed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mlgate.approvals.principals import Principals
    from mlgate.bundles.catalog import Verification
    from mlgate.bundles.model import Bundle
    from mlgate.decisions.model import Decision
    from mlgate.engine.select import EngineOptions
    from mlgate.gate import Checked
    from mlgate.logstore.base import LogStore
    from mlgate.logstore.chain import Row


@dataclass
class Recorded:
    checked: Checked
    row: Row

    @property
    def decision(self) -> Decision:
        return self.checked.decision


@dataclass
class _State:
    warnings: list[str] = field(default_factory=list)
    mask: tuple[Any, ...] = ()


def check_and_record(
    facts_paths: Sequence[str | Path],
    *,
    bundle_location: str | Path | None = None,
    engine: EngineOptions | None = None,
    evaluated_at: str | None = None,
    log: str | None = None,
    principals: str | Path | None = None,
    finish: Callable[[Checked], Decision] | None = None,
    verification: Verification | None = None,
    data: Sequence[str | Path] = (),
) -> Recorded:
    """Gather approvals, decide, let ``finish`` complete the decision, then record it."""
    from dataclasses import replace

    from mlgate.logstore.entry import decision_entry, default_actor
    from mlgate.logstore.open import open_store

    store = open_store(log)
    try:
        state = _State()

        def amend(doc: dict[str, Any], bundle: Bundle) -> dict[str, Any]:
            return _amend(store, doc, bundle, principals, state)

        checked = _checked(
            facts_paths, bundle_location, engine, evaluated_at, amend, state, verification, data
        )
        if finish is not None:
            checked = replace(checked, decision=finish(checked))
        actor = default_actor(checked.facts)
        entry = decision_entry(checked.decision, checked.facts, actor=actor, mask=state.mask)
        row = store.append([entry])[0]
    finally:
        store.close()
    return Recorded(checked, row)


def _amend(
    store: LogStore,
    doc: dict[str, Any],
    bundle: Bundle,
    principals_path: str | Path | None,
    state: _State,
) -> dict[str, Any]:
    from mlgate.approvals.record import Binding
    from mlgate.approvals.verify import gather
    from mlgate.decisions.evaluate import evidence_digest
    from mlgate.logstore.lookup import approval_records
    from mlgate.logstore.mask import configured_rules

    state.mask = configured_rules(bundle.data)
    principals = _principals(principals_path, bundle)
    subject = doc.get("subject") or {}
    binding = Binding(
        decision_id="",
        evidence_digest=evidence_digest(doc),
        bundle_revision=bundle.revision,
        bundle_digest=bundle.digest,
        subject={k: str(subject[k]) for k in ("name", "version") if k in subject},
    )
    gathered = gather(approval_records(store, subject), principals, binding)
    state.warnings += gathered.warnings()
    out = dict(doc)
    if principals is not None:
        _warn_unsigned(doc, state)
        if gathered.approvals or "approvals" in doc:
            out["approvals"] = gathered.approvals
    return out


def check_unlogged(
    facts_paths: Sequence[str | Path],
    *,
    bundle_location: str | Path | None = None,
    engine: EngineOptions | None = None,
    evaluated_at: str | None = None,
    principals: str | Path | None = None,
    verification: Verification | None = None,
    data: Sequence[str | Path] = (),
) -> Checked:
    """``check --no-log``: no log is read or written, so no signed approval can be
    gathered; with a principals file the facts' own (unsigned) approvals still do not
    count, exactly as when the decision is logged."""

    state = _State()

    def amend(doc: dict[str, Any], bundle: Bundle) -> dict[str, Any]:
        if _principals(principals, bundle) is None:  # a broken file is an error
            return doc
        _warn_unsigned(doc, state)
        return {**doc, "approvals": []} if "approvals" in doc else doc

    return _checked(
        facts_paths, bundle_location, engine, evaluated_at, amend, state, verification, data
    )


def _checked(
    facts_paths: Sequence[str | Path],
    bundle_location: str | Path | None,
    engine: EngineOptions | None,
    evaluated_at: str | None,
    amend: Callable[[dict[str, Any], Bundle], dict[str, Any]],
    state: _State,
    verification: Verification | None = None,
    data: Sequence[str | Path] = (),
) -> Checked:
    """``gate.check`` with ``amend``, and the warnings gathering approvals gave added to
    its decision."""
    from dataclasses import replace

    from mlgate.decisions.model import Decision
    from mlgate.gate import check

    checked = check(
        facts_paths,
        bundle_location=bundle_location,
        engine=engine,
        evaluated_at=evaluated_at,
        amend=amend,
        verification=verification,
        data=data,
    )
    if not state.warnings:
        return checked

    warnings = [*checked.decision.warnings, *state.warnings]
    decided = Decision({**checked.decision.document, "warnings": warnings})
    return replace(checked, decision=decided)


def _principals(path: str | Path | None, bundle: Bundle) -> Principals | None:
    """The principals the bundle carries or the file given, or ``None`` when there are none."""
    from mlgate.approvals.principals import for_bundle

    return for_bundle(path, bundle)


def _warn_unsigned(doc: dict[str, Any], state: _State) -> None:
    unsigned = doc.get("approvals") or []
    if unsigned:
        state.warnings.append(
            f"{len(unsigned)} approval(s) written in the facts were ignored: with a "
            "principals file only signed approvals from the decision log count"
        )
