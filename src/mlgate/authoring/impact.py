"""Impact analysis: evaluate facts under two bundles and list what changes.

Each document is validated and normalised as ``mlgate check`` does, then
evaluated under OLD and NEW at the same ``evaluated_at`` (its own
``context.evaluated_at``, a logged decision's time, or one time fixed for the
whole run). A model is listed when its outcome, violated controls, controls
with missing evidence or required approval roles differ, or when one bundle
cannot decide on it.

Validation (the facts schema, as ``mlgate check`` applies it) costs as much
as an evaluation, so it runs only where it can matter: on a document whose
verdict changes. If that document is invalid, ``mlgate check`` refuses it
under both bundles, so it is reported as invalid, not as a change; a
document that does not change needs no verdict on its validity. Facts from
the decision log were validated when they were logged; when the logged
decision was made by OLD (same digest) its verdict is reused instead of
evaluating OLD again.

Speed: every worker process holds both bundles in the embedded engine,
in-process (no IPC per call), and takes documents in chunks; ``jobs``
processes share the cores. A chunk slower than ``timeout`` per document ends
the run with an ``EngineError`` and the workers are killed (an in-process
evaluation cannot be interrupted otherwise).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mlgate.decisions.verdict import Item, Verdict, verdict_of
from mlgate.engine.embedded import EmbeddedEngine
from mlgate.errors import EngineError, FactsValidationError, MlgateError
from mlgate.facts.normalize import normalize
from mlgate.facts.validate import validate
from mlgate.times import now_rfc3339 as utc_now

if TYPE_CHECKING:
    from mlgate.bundles.model import Bundle

_CHUNK = 25
Result = tuple[str, str, "Verdict | str", "Verdict | str"]  # label, model ("" = invalid), old, new


@dataclass(frozen=True)
class Impact:
    label: str
    model: str
    old: Verdict
    new: Verdict

    def changes(self) -> list[str]:
        return self.old.differences(self.new)

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "model": self.model,
            "old": self.old.to_json(),
            "new": self.new.to_json(),
            "changes": self.changes(),
        }


@dataclass(frozen=True)
class ImpactReport:
    evaluated: int
    changed: list[Impact]
    invalid: list[tuple[str, str]]  # label, reason
    reused: int = 0  # OLD verdicts taken from the decision log
    identical: bool = False  # the same files: nothing was evaluated, nothing can change

    def to_json(self) -> dict[str, Any]:
        return {
            "evaluated": self.evaluated,
            "reused_old_verdicts": self.reused,
            "identical_bundles": self.identical,
            "changed": [i.to_json() for i in self.changed],
            "invalid": [{"label": label, "reason": why} for label, why in self.invalid],
        }


_STATE: dict[str, Any] = {}


def analyse(
    old: Bundle,
    new: Bundle,
    items: Sequence[Item],
    *,
    jobs: int = 0,
    timeout: float = 30.0,
    progress: Callable[[int], None] | None = None,
) -> ImpactReport:
    """Evaluate every item under both bundles; ``jobs=0`` uses every core.
    ``progress`` is called with the number of documents done so far, chunk by chunk."""

    if old.digest == new.digest:  # the same files decide the same way
        return ImpactReport(0, [], [], identical=True)
    state = (old, new, utc_now())
    chunks = [list(items[i : i + _CHUNK]) for i in range(0, len(items), _CHUNK)]
    jobs = min(jobs or os.cpu_count() or 1, max(len(chunks), 1))
    results: list[Result] = []
    if jobs <= 1:
        _init(*state)
        try:
            for chunk in chunks:
                results += _run_chunk(chunk)
                _tell(progress, len(results))
        finally:
            _close()
    else:
        for done in _parallel(state, chunks, jobs, timeout):
            results += done
            _tell(progress, len(results))
    reused = sum(1 for i in items if i.logged is not None and i.logged_digest == old.digest)
    return _report(results, reused)


def _tell(progress: Callable[[int], None] | None, done: int) -> None:
    if progress is not None:
        progress(done)


def _parallel(
    state: tuple[Bundle, Bundle, str], chunks: list[list[Item]], jobs: int, timeout: float
) -> Iterator[list[Result]]:
    """Each chunk's results, in order."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    pool = context.Pool(jobs, initializer=_init, initargs=state)
    try:
        pending = [(pool.apply_async(_run_chunk, (chunk,)), len(chunk)) for chunk in chunks]
        for future, size in pending:
            try:
                yield future.get(timeout=timeout * size)
            except multiprocessing.TimeoutError:
                raise EngineError(
                    f"impact analysis: {size} documents took longer than {timeout}s each"
                ) from None
    finally:
        pool.terminate()
        pool.join()


def _init(old: Bundle, new: Bundle, now: str) -> None:

    _close()
    _STATE["now"], _STATE["old_digest"] = now, old.digest
    _STATE["old"] = EmbeddedEngine.from_bundle(old, isolate=False)
    _STATE["new"] = EmbeddedEngine.from_bundle(new, isolate=False)


def _close() -> None:
    for name in ("old", "new"):
        if name in _STATE:
            _STATE[name].close()
    _STATE.clear()


def _run_chunk(chunk: list[Item]) -> list[Result]:
    out: list[Result] = []
    for item in chunk:
        try:
            out.append(_evaluate(item))
        except MlgateError as exc:
            out.append((item.label, "", exc.message, ""))
    return out


def _evaluate(item: Item) -> Result:

    raw = item.facts()
    try:
        facts = normalize(raw)
    except (TypeError, ValueError, AttributeError, ArithmeticError):
        _require_valid(item, raw)  # a valid document that does not normalise is a bug: raise
        raise
    named = facts.get("subject")
    subject: dict[str, Any] = named if isinstance(named, dict) else {}
    model = f"{subject.get('name', '?')}@{subject.get('version', '?')}"
    found = facts.get("context")
    context: dict[str, Any] = found if isinstance(found, dict) else {}
    at = item.evaluated_at or context.get("evaluated_at") or _STATE["now"]
    engine_input = {**facts, "context": {**context, "evaluated_at": at}}
    if item.logged is not None and item.logged_digest == _STATE["old_digest"]:
        before: Verdict | str = item.logged
    else:
        before = verdict_of(_STATE["old"], engine_input)
    after = verdict_of(_STATE["new"], engine_input)
    if before != after:
        _require_valid(item, raw)  # only a valid document's change is a real change
    return item.label, model, before, after


def _require_valid(item: Item, raw: dict[str, Any]) -> None:

    if item.logged_digest:  # logged facts were validated when they were decided on
        return
    problems = validate(raw).lines()
    if problems:
        raise FactsValidationError(f"invalid facts: {problems[0]}")


def _report(results: list[Result], reused: int) -> ImpactReport:
    changed: list[Impact] = []
    invalid: list[tuple[str, str]] = []
    evaluated = 0
    for label, model, old, new in results:
        if not model:
            invalid.append((label, str(old)))
            continue
        evaluated += 1
        before = old if isinstance(old, Verdict) else Verdict(outcome=old)
        after = new if isinstance(new, Verdict) else Verdict(outcome=new)
        if before != after:
            changed.append(Impact(label, model, before, after))
    return ImpactReport(evaluated, changed, invalid, reused)
