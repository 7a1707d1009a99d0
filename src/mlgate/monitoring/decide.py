"""Evaluate a monitoring (or comparison) entry point into a ``Decision`` with actions.

The policy part is checked as every decision is (``check_policy_result``:
schemas/decision.schema.json), then its ``actions`` are checked here: each is
``{action, controls, owner, owner_from, sla_hours, deadline_ns, approvals,
approvals_for}``. Anything else is an ``EngineError``, never a pass.

The deadline: the policy returns ``deadline_ns`` (``context.evaluated_at`` in
nanoseconds plus the SLA hours times 3.6e12, integer arithmetic that every
engine computes alike; ``time.add_date`` is not used, since it answers
differently on the embedded engine). mlgate adds ``deadline``, the same
instant as RFC 3339 in UTC, after evaluation.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from mlgate.canonical import digest
from mlgate.decisions.evaluate import (
    check_policy_result,
    evidence_digest,
    new_decision_id,
    prepare_input,
)
from mlgate.decisions.evidence import source_of
from mlgate.decisions.model import SCHEMA_VERSION, Decision
from mlgate.errors import BundleError, EngineError
from mlgate.monitoring.times import format_ns

if TYPE_CHECKING:
    from mlgate.bundles.model import Bundle
    from mlgate.engine.base import Engine

MONITORING_QUERY = "data.mlgate.monitoring.decision"
COMPARISON_QUERY = "data.mlgate.monitoring.comparison.decision"
ACTIONS = ("rollback", "retrain", "investigate")
_PACKAGE = re.compile(r"^\s*package\s+([\w.]+)", re.MULTILINE)
_DECISION = re.compile(r"^\s*(default\s+)?decision\s*(:=|=|if\b|\{)", re.MULTILINE)


def require_entry_point(bundle: Bundle, query: str) -> None:
    """Refuse a bundle without the ``decision`` rule of ``query``'s package."""
    package = query.removeprefix("data.").removesuffix(".decision")
    for text in bundle.modules.values():
        match = _PACKAGE.search(text)
        if match and match.group(1) == package and _DECISION.search(text):
            return
    raise BundleError(
        f"{bundle.source}: no {query}: define `decision` in `package {package}` "
        "(the shipped bundle has it)"
    )


def decide_monitoring(
    facts: dict[str, Any],
    bundle: Bundle,
    engine: Engine,
    *,
    query: str = MONITORING_QUERY,
    evaluated_at: str | None = None,
    warnings: tuple[str, ...] = (),
) -> Decision:
    engine_input = prepare_input(facts, evaluated_at)
    raw = engine.evaluate(query, engine_input)
    policy = check_policy_result(raw, engine.info.name)
    actions = [_action(a, i, engine.info.name) for i, a in enumerate(_actions(raw, engine))]
    subject = engine_input.get("subject", {})
    doc: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "decision_id": new_decision_id(),
        "kind": "comparison" if query == COMPARISON_QUERY else "monitoring",
        "entry_point": query,
        "evaluated_at": engine_input["context"]["evaluated_at"],
        "subject": {k: subject[k] for k in ("name", "version", "risk_tier") if k in subject},
        **policy,
        "violations": [_sourced(v, engine_input) for v in policy["violations"]],
        "actions": actions,
        "bundle": bundle.to_json(),
        "input_digest": digest(engine_input),
        "evidence_digest": evidence_digest(engine_input),
        "engine": engine.info.to_json(),
    }
    engine_warnings = [*warnings, *getattr(engine, "warnings", [])]
    if engine_warnings:
        doc["warnings"] = engine_warnings
    return Decision(doc)


def _actions(raw: dict[str, Any], engine: Engine) -> list[Any]:
    actions = raw.get("actions")
    if not isinstance(actions, list):
        raise EngineError(f"{engine.info.name}: the monitoring decision has no actions list")
    return actions


def _action(item: Any, index: int, engine: str) -> dict[str, Any]:
    where = f"{engine}: the monitoring decision's /actions/{index}"
    if not isinstance(item, dict) or item.get("action") not in ACTIONS:
        raise EngineError(f"{where} is not one of {', '.join(ACTIONS)}")
    owner, controls, approvals = item.get("owner"), item.get("controls"), item.get("approvals")
    if not isinstance(owner, str) or not owner:
        raise EngineError(f"{where} names no owner")
    if not isinstance(controls, list) or not all(isinstance(c, str) for c in controls):
        raise EngineError(f"{where}: controls is not a list of control ids")
    if not isinstance(approvals, list) or not all(_is_approval(a) for a in approvals):
        raise EngineError(f"{where}: approvals is not a list of {{role, count}}")
    deadline = item.get("deadline_ns")
    if deadline is not None and not _is_number(deadline):
        raise EngineError(f"{where}: deadline_ns is not a number")
    out = dict(item)
    out["deadline"] = format_ns(round(deadline)) if deadline is not None else None
    return out


def _is_approval(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("role"), str)
        and _is_number(value.get("count"))
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _sourced(item: dict[str, Any], facts: dict[str, Any]) -> dict[str, Any]:
    pointer = item.get("evidence")
    found = source_of(facts, pointer) if isinstance(pointer, str) else None
    return {**item, "source": found} if found else dict(item)
