"""Shrinking: the smallest facts that still break an invariant.

Greedy deletion (delta debugging, one node at a time): try deleting each node
of the facts, larger subtrees first, never the mutation's own target (or what
holds it) nor ``context.evaluated_at``; keep a deletion when the facts stay
valid and the invariant still breaks. Bounded by a number of evaluations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mlgate.invariants.mutate import Mutation
from mlgate.invariants.oracle import Oracle, Verdict
from mlgate.invariants.paths import delete, walk

MAX_EVALUATIONS = 1500
_CLOCK = ("context", "evaluated_at")  # without it the facts would be judged "now"


@dataclass(frozen=True)
class Broken:
    facts: dict[str, Any]
    mutation: Mutation
    before: Verdict
    after: Verdict


def reproduce(oracle: Oracle, facts: dict[str, Any], mutation: Mutation) -> Broken | None:
    """The broken pair, when both facts documents are valid and the invariant breaks."""
    changed = mutation.apply(facts)
    if changed is None:
        return None
    before, after = oracle.verdict(facts), oracle.verdict(changed)
    if not mutation.broken(before, after) or not (oracle.valid(facts) and oracle.valid(changed)):
        return None
    return Broken(facts, mutation, before, after)


def shrink(oracle: Oracle, found: Broken, *, budget: int = MAX_EVALUATIONS) -> Broken:
    stop = oracle.evaluations + budget
    best, changed = found, True
    while changed and oracle.evaluations < stop:  # passes until nothing more goes
        changed, index = False, 0
        while oracle.evaluations < stop:
            candidates = sorted(
                (p for p, _ in walk(best.facts) if not _kept(best.mutation, p)), key=len
            )
            if index >= len(candidates):
                break
            path = candidates[index]
            smaller = reproduce(oracle, delete(best.facts, path), best.mutation.moved(path))
            if smaller is None:
                index += 1
            else:
                best, changed = smaller, True  # the same index now names the next candidate
    return best


def _kept(mutation: Mutation, path: tuple[str | int, ...]) -> bool:
    return mutation.protects(path) or _CLOCK[: len(path)] == path
