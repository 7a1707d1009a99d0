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

from typing import TYPE_CHECKING, Any

from mlgate.decisions.evaluate import decide
from mlgate.errors import EngineError
from mlgate.times import format_ns

if TYPE_CHECKING:
    from mlgate.bundles.model import Bundle
    from mlgate.decisions.model import Decision
    from mlgate.engine.base import Engine

MONITORING_QUERY = "data.mlgate.monitoring.decision"
COMPARISON_QUERY = "data.mlgate.monitoring.comparison.decision"
ACTIONS = ("rollback", "retrain", "investigate")


def decide_monitoring(
    facts: dict[str, Any],
    bundle: Bundle,
    engine: Engine,
    *,
    query: str = MONITORING_QUERY,
    evaluated_at: str | None = None,
    warnings: tuple[str, ...] = (),
) -> Decision:
    """A decision as ``decide`` makes it, with the kind, the entry point and the actions."""

    def extend(raw: dict[str, Any]) -> dict[str, Any]:
        name = engine.info.name
        return {
            "kind": "comparison" if query == COMPARISON_QUERY else "monitoring",
            "entry_point": query,
            "actions": [_action(a, i, name) for i, a in enumerate(_actions(raw, engine))],
        }

    return decide(
        facts, bundle, engine, evaluated_at=evaluated_at, warnings=warnings, query=query,
        extend=extend,
    )  # fmt: skip


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
