"""The library entry point behind ``mlgate recertify``.

Every model of a source is evaluated under the new bundle (``pool``). Its
outcome is compared with what it was before:

* by default, the last decision logged for the same model name and version
  (on the same evidence if there is one; a model never logged is ``new``);
* with ``against`` (``--against BUNDLE``, and always with ``--no-log``), the
  decision on the same facts under that bundle (default: the shipped bundle).

Compared are the outcome, and the controls violated, the controls with missing
evidence and the roles whose approval is required (``bundles.verdict``, as
``bundle diff`` compares them): a model that failed and now fails on one more
control is ``changed``, not ``unchanged``, and counts toward exit 1.

The new decisions are appended to the decision log ``batch`` at a time, one
transaction per batch; a model whose facts cannot be evaluated is an error
row, and the run goes on. Nothing but the changes is kept in memory.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.bundles.entry import require_entry_point
from mlgate.bundles.load import load_bundle
from mlgate.decisions.verdict import Verdict
from mlgate.engine.select import EngineOptions, open_engine
from mlgate.errors import BundleError, UsageError
from mlgate.fleet.pool import run_ordered
from mlgate.fleet.work import Setup
from mlgate.logstore.base import Query
from mlgate.logstore.entry import default_actor
from mlgate.logstore.open import open_store
from mlgate.resources import bundle_dir

if TYPE_CHECKING:
    from mlgate.bundles.model import Bundle
    from mlgate.fleet.sources import Item
    from mlgate.fleet.work import Result
    from mlgate.logstore.base import LogStore

# How far from a pass an outcome is: a larger rank is worse.
RANK = {"pass": 0, "needs_approval": 1, "insufficient_evidence": 2, "fail": 3}


@dataclass(frozen=True)
class Change:
    label: str
    name: str | None
    version: str | None
    before: str | None
    after: str | None
    error: str | None = None
    # Beyond the outcome: the violations, missing evidence and approvals, compared as
    # `bundle diff` compares them (a model that failed and fails on one more control
    # has changed). None when only the outcome is known (an old log record).
    before_verdict: Verdict | None = None
    after_verdict: Verdict | None = None

    @property
    def kind(self) -> str:
        if self.error is not None:
            return "error"
        if self.before is None:
            return "new"
        assert self.after is not None
        if self.before == self.after:
            return "changed" if self.differences else "unchanged"
        return "worse" if RANK[self.after] > RANK[self.before] else "better"

    @property
    def differences(self) -> list[str]:
        """``violations +MLG-PERF-001``, …: what changed besides the outcome."""
        if self.before_verdict is None or self.after_verdict is None:
            return []
        diff = self.before_verdict.differences(self.after_verdict)
        return [line for line in diff if not line.startswith("outcome ")]

    @property
    def stricter(self) -> bool:
        """Worse, or the same outcome with a violation, missing evidence or required
        approval the model did not have before."""
        if self.kind == "worse":
            return True
        old, new = self.before_verdict, self.after_verdict
        return self.kind == "changed" and old is not None and new is not None and old.gains(new)


@dataclass
class Summary:
    bundle_revision: str
    compared_with: str
    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)  # under the new bundle
    changes: list[Change] = field(default_factory=list)  # every row but the unchanged
    stricter: int = 0  # models worse, or with a finding they did not have

    def add(self, change: Change) -> None:
        self.total += 1
        self.counts[change.kind] = self.counts.get(change.kind, 0) + 1
        after = change.after or "error"
        self.outcomes[after] = self.outcomes.get(after, 0) + 1
        if change.kind != "unchanged":
            self.changes.append(change)
        self.stricter += change.stricter

    @property
    def exit_code(self) -> int:
        """2 when a model could not be evaluated, 1 when one got worse or gained a
        violation, missing evidence or required approval (same outcome), else 0."""
        if self.counts.get("error"):
            return 2
        return 1 if self.stricter else 0


def recertify(
    items: Iterable[Item],
    *,
    bundle_location: str | Path,
    against: str | Path | None = None,
    log: str | None = None,
    record: bool = True,
    engine: EngineOptions | None = None,
    opa_urls: Sequence[str] = (),
    workers: int | None = None,
    batch: int = 500,
    evaluated_at: str | None = None,
    progress: Callable[[int], None] | None = None,
    digest: str | None = None,
) -> Summary:

    engine = engine or EngineOptions(name="embedded")
    if engine.name not in ("embedded", "opa-url"):
        raise UsageError(f"recertify runs on the embedded engine or OPA servers, not {engine.name}")
    if against is None and not record:
        against = bundle_dir()
    if engine.name == "opa-url" and against is not None:
        raise UsageError(
            "with --engine opa-url the outcomes are compared with the decision log; one OPA "
            "server cannot hold two bundles (drop --against / --no-log, or use the embedded engine)"
        )
    bundle = _checked_bundle(bundle_location)
    if digest is not None and bundle.digest != digest:
        raise BundleError(
            f"{bundle_location}: the bundle changed after it was verified "
            f"(digest {bundle.digest}, verified {digest})"
        )
    if against is not None:
        _checked_bundle(against)
    urls = tuple(opa_urls) or ((engine.opa_url,) if engine.opa_url else ())
    if engine.name == "opa-url":
        _prepare_servers(bundle, engine, urls)
    store = _open(log) if record else None
    setup = Setup(
        bundle=str(bundle_location),
        against=str(against) if against is not None else None,
        engine=dataclasses.replace(engine, isolate=False),  # the worker is the isolation
        opa_urls=urls,
        digest=bundle.digest,
        evaluated_at=evaluated_at,
        record=record,
        actor=default_actor(),
    )
    compared = f"bundle {against}" if against is not None else "the last logged decision"
    summary = Summary(bundle.revision, compared)
    pending: list[dict[str, Any]] = []
    try:
        results = run_ordered(items, setup, workers=workers or os.cpu_count() or 1)
        for result in results:
            before = result.before_verdict if against is not None else _logged(store, result)
            summary.add(
                Change(
                    result.label,
                    result.name,
                    result.version,
                    before.outcome if before is not None else None,
                    result.after,
                    result.error,
                    before,
                    result.verdict,
                )
            )
            if store is not None and result.entry is not None:
                pending.append(result.entry)
                if len(pending) >= batch:
                    store.append(pending)
                    pending = []
            if progress is not None:
                progress(summary.total)
        if store is not None and pending:
            store.append(pending)
    finally:
        if store is not None:
            store.close()
    return summary


def _checked_bundle(location: str | Path) -> Bundle:

    bundle = load_bundle(location)
    require_entry_point(bundle)
    return bundle


def _prepare_servers(bundle: Bundle, engine: EngineOptions, urls: tuple[str, ...]) -> None:
    """Push the bundle once to each OPA server (its workers then only ask), or, with
    ``--opa-no-push``, check that each serves it; through the engine registry, so
    the token and TLS settings are the ones ``check`` uses."""
    if not urls:
        raise UsageError("--engine opa-url needs --opa-url URL (or MLGATE_OPA_URL)")
    for url in urls:
        open_engine(bundle, dataclasses.replace(engine, opa_url=url)).close()


def _open(log: str | None) -> LogStore:

    return open_store(log)


def _logged(store: LogStore | None, result: Result) -> Verdict | None:
    """The verdict last logged for the result's model name and version.

    A decision on the same evidence (digest) is preferred, so that two facts
    files of one version are each compared with their own last decision.
    """

    if store is None or result.name is None or result.error is not None:
        return None
    rows = store.select(Query(kind="decision", model=result.name, version=result.version))
    same = [r for r in rows if r.columns.get("evidence_digest") == result.evidence_digest]
    rows = same or rows
    if not rows:
        return None
    decision = rows[-1].document().get("decision")
    verdict = Verdict.from_decision(decision) if isinstance(decision, dict) else None
    return verdict if isinstance(verdict, Verdict) and verdict.outcome in RANK else None
