"""``mlgate check`` from start to end, in the order it happens.

1. Open the decision log (unless ``record=False``): if it cannot be opened,
   nothing is evaluated.
2. Open the bundle: verified first when a key is required, data overlays
   merged, its entry point present.
3. Open the engine. The embedded engine changes nothing outside this process,
   so it opens first (its worker loads the bundle while the facts are read); an
   OPA engine is opened (the bundle pushed) only once the facts are known good.
4. Load and validate the facts.
5. Put in the approvals that count (``approvals.counted``).
6. Decide.
7. Explain: the reports' details, from the very facts and bundle decided with.
8. Record the decision and the (masked) facts; if that fails the check fails
   and no decision is returned.
One call, one ``Checked`` or one ``MlgateError``; nothing calls back into the
caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from mlgate.approvals.counted import with_counted_approvals
from mlgate.approvals.principals import for_bundle
from mlgate.bundles.entry import require_entry_point
from mlgate.bundles.overlay import apply_overlays
from mlgate.bundles.trusted import open_bundle
from mlgate.decisions.evaluate import decide
from mlgate.decisions.model import Checked, Decision
from mlgate.engine.select import EngineOptions, open_engine, resolve_name
from mlgate.explain.detailed import attach_details
from mlgate.facts.document import load_facts
from mlgate.logstore.entry import decision_entry, default_actor
from mlgate.logstore.mask import configured_rules
from mlgate.logstore.open import open_store
from mlgate.resources import bundle_dir

if TYPE_CHECKING:
    from mlgate.bundles.trusted import Verification
    from mlgate.engine.base import Engine


@dataclass(frozen=True)
class CheckRequest:
    facts: Sequence[str | Path]
    bundle: str | Path | None = None  # default: the shipped bundle
    engine: EngineOptions = field(default_factory=EngineOptions)
    evaluated_at: str | None = None
    record: bool = True  # False: `check --no-log`, no log read or written
    log: str | None = None
    principals: str | Path | None = None
    verification: Verification | None = None  # the key the bundle must be signed for
    data: Sequence[str | Path] = ()  # overlays merged over the bundle's data
    enforced: bool = True  # False: report-only (`--no-enforce`), said in the details


def check(request: CheckRequest) -> Checked:
    store = open_store(request.log) if request.record else None
    with store or nullcontext():
        location = request.bundle or bundle_dir()
        bundle = apply_overlays(open_bundle(location, request.verification), request.data)
        require_entry_point(bundle)
        early = resolve_name(request.engine) == "embedded"
        engine: Engine | None = open_engine(bundle, request.engine) if early else None
        try:
            facts = load_facts(request.facts)
            principals = for_bundle(request.principals, bundle)
            document, warnings = with_counted_approvals(facts.document, bundle, principals, store)
            engine = engine or open_engine(bundle, request.engine)
            decision = decide(
                document,
                bundle,
                engine,
                evaluated_at=request.evaluated_at,
                warnings=facts.warnings,
            )
        finally:
            if engine is not None:
                engine.close()
        if warnings:
            decision = Decision({**decision.document, "warnings": [*decision.warnings, *warnings]})
        checked = Checked(decision, document, bundle)

        explained = attach_details(
            checked,
            request.facts,
            enforced=request.enforced,
            logged=request.record,
            approvals_verified=principals is not None,
        )
        checked = replace(checked, decision=explained)
        if store is not None:
            entry = decision_entry(
                checked.decision,
                checked.facts,
                actor=default_actor(checked.facts),
                mask=configured_rules(bundle.data),
            )
            store.append([entry])
    return checked
