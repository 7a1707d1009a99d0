"""One worker's side of a re-certification: evaluate models one at a time.

A worker process is set up once (``Setup``: bundle locations, engine, evaluation time) and then
evaluates items. Each item gives one ``Result``: the outcome under the new
bundle, the outcome under the ``against`` bundle when one is compared, and
the decision-log entry to append (built here, so the parent only writes). A
problem with one model (unreadable or invalid facts, an engine error) is that
model's ``error``; the run goes on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from mlgate.bundles.load import load_bundle
from mlgate.decisions.evaluate import decide
from mlgate.decisions.verdict import Verdict
from mlgate.engine.select import EngineOptions, open_engine
from mlgate.errors import MlgateError
from mlgate.facts.collection import collect_facts
from mlgate.facts.document import load_facts
from mlgate.logstore.entry import decision_entry
from mlgate.logstore.mask import configured_rules

if TYPE_CHECKING:
    from mlgate.bundles.model import Bundle
    from mlgate.decisions.model import Decision
    from mlgate.engine.base import Engine
    from mlgate.fleet.sources import Item


@dataclass(frozen=True)
class Setup:
    bundle: str
    against: str | None = None
    engine: EngineOptions = field(
        default_factory=lambda: EngineOptions(name="embedded", isolate=False)
    )
    # With --engine opa-url: the OPA servers each worker spreads its models over.
    opa_urls: tuple[str, ...] = ()
    # The digest the parent loaded (and verified, with --verification-key): a worker
    # that reads another bundle at the same place decides nothing.
    digest: str | None = None
    evaluated_at: str | None = None
    record: bool = True
    actor: str = ""


@dataclass(frozen=True)
class Result:
    label: str
    name: str | None = None
    version: str | None = None
    after: str | None = None
    before: str | None = None
    entry: dict[str, Any] | None = None
    error: str | None = None
    evidence_digest: str | None = None
    # What recertify compares beyond the outcome: violations, missing evidence, approvals.
    verdict: Verdict | None = None
    before_verdict: Verdict | None = None


class Evaluator:
    """The bundles and engines of one worker."""

    def __init__(self, setup: Setup) -> None:

        self.setup = setup
        self.bundle = load_bundle(setup.bundle)
        self.problem: str | None = None
        if setup.digest is not None and self.bundle.digest != setup.digest:
            self.problem = (
                f"{setup.bundle}: the bundle changed after recertify started (digest "
                f"{self.bundle.digest}, expected {setup.digest}): nothing is decided with it"
            )
        self.mask = configured_rules(self.bundle.data)
        self.engines = _open(self.bundle, setup)
        self._turn = 0
        self.against: tuple[Bundle, Engine] | None = None
        if setup.against is not None:  # the embedded engine: one OPA holds one bundle
            old = load_bundle(setup.against)
            embedded = EngineOptions(name="embedded", timeout=setup.engine.timeout, isolate=False)
            self.against = (old, open_engine(old, embedded))

    def run(self, item: Item) -> Result:

        if self.problem is not None:
            return Result(item.label, error=self.problem)
        try:
            facts, warnings = _facts(item)
            subject = facts.get("subject") or {}
            name, version = subject.get("name"), subject.get("version")
            self._turn = (self._turn + 1) % len(self.engines)  # round robin over the servers
            decision = decide(
                facts,
                self.bundle,
                self.engines[self._turn],
                evaluated_at=self.setup.evaluated_at,
                warnings=warnings,
            )
            verdict = _verdict(decision)
            before = None
            if self.against is not None:
                old_bundle, old_engine = self.against
                before = _verdict(
                    decide(facts, old_bundle, old_engine, evaluated_at=self.setup.evaluated_at)
                )
        except MlgateError as exc:  # the first detail too: "5 problems" alone names no field
            first = f" ({exc.details[0]}{', …' if len(exc.details) > 1 else ''})"
            return Result(item.label, error=exc.message + (first if exc.details else ""))
        entry = None
        if self.setup.record:
            actor = self.setup.actor
            entry = decision_entry(decision, facts, actor=actor, mask=self.mask)
            entry["recertification"] = True
        evidence = decision.document.get("evidence_digest")
        return Result(
            item.label,
            str(name),
            str(version),
            decision.outcome,
            before.outcome if before is not None else None,
            entry,
            None,
            evidence,
            verdict,
            before,
        )

    def close(self) -> None:
        for engine in self.engines:
            engine.close()
        if self.against is not None:
            self.against[1].close()


def _verdict(decision: Decision) -> Verdict:
    """A decision checked against its schema always has a verdict."""
    verdict = Verdict.from_decision(decision.document)
    if isinstance(verdict, str):
        raise MlgateError(f"the decision has no verdict ({verdict})")
    return verdict


def _open(bundle: Bundle, setup: Setup) -> list[Engine]:
    """The worker's engines, built by the engine registry: one per OPA server (each
    with its own keep-alive session; the parent pushed the bundle to each, unless
    they serve it themselves), or the embedded engine in this process."""
    if setup.engine.name != "opa-url":
        return [open_engine(bundle, setup.engine)]
    attach = setup.engine.push  # pushed by the parent: ask only
    return [
        open_engine(bundle, replace(setup.engine, opa_url=url, push=False, attach=attach))
        for url in setup.opa_urls
    ]


def _facts(item: Item) -> tuple[dict[str, Any], tuple[str, ...]]:
    if item.path is not None:
        loaded = load_facts([item.path])
        return loaded.document, loaded.warnings

    assert item.source is not None
    collected = collect_facts([item.source], tracking_uri=item.tracking_uri)
    return collected.document, collected.warnings


# -- per-process state (the pool's initializer sets it up) ----------------------------
_PROCESS: Evaluator | None = None


def init_process(setup: Setup) -> None:
    global _PROCESS
    _PROCESS = Evaluator(setup)


def run_in_process(items: Sequence[Item]) -> list[Result]:
    assert _PROCESS is not None, "init_process was not called"
    return [_PROCESS.run(item) for item in items]
