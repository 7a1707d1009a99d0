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
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mlgate.errors import MlgateError

if TYPE_CHECKING:
    from mlgate.bundles.model import Bundle
    from mlgate.engine.base import Engine
    from mlgate.fleet.sources import Item


@dataclass(frozen=True)
class Setup:
    bundle: str
    against: str | None = None
    engine: str = "embedded"
    opa_url: str | None = None
    timeout: float = 30.0
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


class Evaluator:
    """The bundles and engines of one worker."""

    def __init__(self, setup: Setup) -> None:
        from mlgate.bundles.load import load_bundle
        from mlgate.logstore.mask import configured_rules

        self.setup = setup
        self.bundle = load_bundle(setup.bundle)
        self.mask = configured_rules(self.bundle.data)
        self.engine = _open(self.bundle, setup)
        self.against: tuple[Bundle, Engine] | None = None
        if setup.against is not None:
            old = load_bundle(setup.against)
            self.against = (old, _open(old, Setup(bundle=setup.against, timeout=setup.timeout)))

    def run(self, item: Item) -> Result:
        from mlgate.decisions.evaluate import decide

        try:
            facts, warnings = _facts(item)
            subject = facts.get("subject") or {}
            name, version = subject.get("name"), subject.get("version")
            decision = decide(
                facts,
                self.bundle,
                self.engine,
                evaluated_at=self.setup.evaluated_at,
                warnings=warnings,
            )
            before = None
            if self.against is not None:
                old_bundle, old_engine = self.against
                before = decide(
                    facts, old_bundle, old_engine, evaluated_at=self.setup.evaluated_at
                ).outcome
        except MlgateError as exc:  # the first detail too: "5 problems" alone names no field
            first = f" ({exc.details[0]}{', …' if len(exc.details) > 1 else ''})"
            return Result(item.label, error=exc.message + (first if exc.details else ""))
        entry = None
        if self.setup.record:
            from mlgate.logstore.entry import decision_entry

            actor = self.setup.actor
            entry = decision_entry(decision, facts, actor=actor, mask=self.mask)
            entry["recertification"] = True
        evidence = decision.document.get("evidence_digest")
        return Result(
            item.label, str(name), str(version), decision.outcome, before, entry, None, evidence
        )

    def close(self) -> None:
        self.engine.close()
        if self.against is not None:
            self.against[1].close()


def _open(bundle: Bundle, setup: Setup) -> Engine:
    if setup.engine == "opa-url":
        from mlgate.engine.opa_rest import OpaRestEngine

        assert setup.opa_url is not None
        # The parent pushed the bundle once; each worker keeps its own keep-alive session.
        return OpaRestEngine(setup.opa_url, timeout=setup.timeout, token=None, session=None)
    from mlgate.engine.embedded import EmbeddedEngine

    # The worker process is the isolation: a crash takes down this worker only.
    return EmbeddedEngine.from_bundle(bundle, timeout=setup.timeout, isolate=False)


def _facts(item: Item) -> tuple[dict[str, Any], tuple[str, ...]]:
    if item.path is not None:
        from mlgate.facts.document import load_facts

        loaded = load_facts([item.path])
        return loaded.document, loaded.warnings
    from mlgate.facts.collection import collect_facts

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
