"""Evaluate one facts document against a bundle: the decision core.

facts (validated, normalised) → engine → policy result → checked against the
decision schema → decorated with ids, digests and provenance. Anything that is
not a well-formed decision is an ``EngineError``: it never becomes a pass.
"""

from __future__ import annotations

import functools
import os
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mlgate._fastschema import surely_valid
from mlgate._jsonschema import jsonschema
from mlgate.canonical import digest, json_copy
from mlgate.decisions.evidence import source_of
from mlgate.decisions.model import SCHEMA_VERSION, Decision
from mlgate.engine.base import DECISION_QUERY
from mlgate.errors import EngineError, InputError
from mlgate.facts.identity import unify_people
from mlgate.resources import load_schema
from mlgate.times import now_rfc3339, parse_rfc3339_ns

if TYPE_CHECKING:
    from mlgate.bundles.model import Bundle
    from mlgate.engine.base import Engine

_POLICY_FIELDS = (
    "outcome",
    "risk_tier",
    "violations",
    "missing_evidence",
    "required_approvals",
    "approvals_ignored",
    "waivers_applied",
    "waivers_expired",
)


def new_decision_id() -> str:
    """A time-ordered id (UUIDv7 layout): 48-bit milliseconds, then randomness."""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms << 80) | (0x7 << 76) | ((rand >> 64) & 0xFFF) << 64 | (0b10 << 62)
    value |= rand & ((1 << 62) - 1)
    return str(uuid.UUID(int=value))


def evidence_digest(facts: dict[str, Any]) -> str:
    """The digest approvals bind to: the facts without ``approvals`` and ``context.evaluated_at``.

    It stays the same when the same evidence is checked again later or after
    approvals were added; any other change to the facts changes it. An empty
    ``context`` left over counts as no ``context``.
    """
    doc = {k: v for k, v in facts.items() if k != "approvals"}
    context = doc.get("context")
    if isinstance(context, dict):
        context = {k: v for k, v in context.items() if k != "evaluated_at"}
        if context:
            doc["context"] = context
        else:
            del doc["context"]
    return digest(doc)


def check_evaluation_time(evaluated_at: str | None) -> int | None:
    """An explicit evaluation time (``--at``) is an RFC 3339 instant with a zone, after
    1970: its nanoseconds since the epoch (``None`` when none is given)."""
    if evaluated_at is None:
        return None

    ns = parse_rfc3339_ns(evaluated_at)
    if ns is None:
        raise InputError(f"--at {evaluated_at!r}: not an RFC 3339 time like 2026-11-01T12:00:00Z")
    if ns < _EARLIEST_NS:
        raise InputError(f"--at {evaluated_at!r}: before 1971; give a time of the model's life")
    return ns


# ``--at facts``: evaluate at the time the facts state (replays of archived facts, demos).
AT_FACTS = "facts"


def evaluation_time(at: str | None) -> str | None:
    """The evaluation time a deciding command passes on, from its ``--at``.

    Not given: the current time, whatever ``context.evaluated_at`` the facts
    carry (whoever writes the facts must not set the clock that expires waivers,
    scans and approvals). ``facts``: ``None``, so the facts' own time is used.
    Else the time given (checked by ``prepare_input``)."""
    if at is None:
        return now_rfc3339()
    return None if at.strip() == AT_FACTS else at


def prepare_input(facts: dict[str, Any], evaluated_at: str | None = None) -> dict[str, Any]:
    """The engine input: the facts with ``context.evaluated_at`` always set, and each
    approval's principal that looks like the author, the actor or an earlier
    approver (``facts.identity``) written as that person.

    Only the top level, ``context`` and changed approvals are copied (the only
    parts changed); the other sections are shared with ``facts``, so nothing may
    change them.
    """
    check_evaluation_time(evaluated_at)
    doc = dict(unify_people(facts))
    given = doc.get("context")
    context = doc["context"] = dict(given) if isinstance(given, dict) else {}
    if evaluated_at is not None:
        context["evaluated_at"] = evaluated_at
    context.setdefault("evaluated_at", now_rfc3339())
    return doc


DECISION_SCHEMA = "decision.schema.json"
_EARLIEST_NS = (
    365 * 86_400 * 1_000_000_000
)  # 1971-01-01: a year-long window still starts after 1970


@functools.cache
def _policy_validator() -> Any:

    return jsonschema().Draft202012Validator(load_schema(DECISION_SCHEMA))


def check_policy_result(raw: Any, engine_name: str, query: str = DECISION_QUERY) -> dict[str, Any]:
    """Refuse anything that is not a complete decision from the policy."""
    if not isinstance(raw, dict):
        kind = type(raw).__name__
        raise EngineError(f"{engine_name}: {query} is a {kind}, not a decision object")
    if surely_valid(DECISION_SCHEMA, raw):
        errors = []
    else:
        errors = sorted(_policy_validator().iter_errors(raw), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/" + "/".join(str(p) for p in first.absolute_path)
        raise EngineError(
            f"{engine_name}: {query} is malformed at {where}: {first.message}",
            details=[e.message for e in errors[1:]],
        )
    return {k: raw[k] for k in _POLICY_FIELDS if k in raw}


def _with_sources(items: list[dict[str, Any]], facts: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for item in items:
        pointer = item.get("evidence")
        src = source_of(facts, pointer) if isinstance(pointer, str) else None
        out.append({**item, "source": json_copy(src)} if src else dict(item))
    return out


def decide(
    facts: dict[str, Any],
    bundle: Bundle,
    engine: Engine,
    *,
    evaluated_at: str | None = None,
    warnings: tuple[str, ...] = (),
    query: str = DECISION_QUERY,
    extend: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> Decision:
    """Evaluate ``facts`` (already validated and normalised) under ``bundle``.

    ``query`` is the entry point; ``extend`` adds the fields of another kind of
    decision (the monitoring actions) from the policy's raw answer, checked there.
    """
    engine_input = prepare_input(facts, evaluated_at)
    raw = engine.evaluate(query, engine_input)
    policy = check_policy_result(raw, engine.info.name, query)
    subject = engine_input.get("subject", {})
    doc: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "decision_id": new_decision_id(),
        "evaluated_at": engine_input["context"]["evaluated_at"],
        "subject": {k: subject[k] for k in ("name", "version", "risk_tier") if k in subject},
        **policy,
        **(extend(raw) if extend is not None else {}),
        "bundle": bundle.to_json(),
        "input_digest": digest(engine_input),
        "evidence_digest": evidence_digest(engine_input),
        "engine": engine.info.to_json(),
    }
    doc["violations"] = _with_sources(policy["violations"], engine_input)
    engine_warnings = [*warnings, *getattr(engine, "warnings", [])]
    if engine_warnings:
        doc["warnings"] = engine_warnings
    return Decision(doc)
