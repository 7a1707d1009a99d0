"""Decisions by id from the decision log, for ``mlgate report`` / ``explain``."""

from __future__ import annotations

from typing import Any

from mlgate.logstore.lookup import find_decision, resolve_decision_id
from mlgate.logstore.open import open_store
from mlgate.report.load import DecisionSource


def log_source(location: str | None) -> DecisionSource:
    """A source that finds a decision (and its logged facts) in the log at ``location``."""

    def lookup(decision_id: str) -> tuple[dict[str, Any], dict[str, Any] | None] | None:

        with open_store(location, create=False) as store:
            record = find_decision(store, resolve_decision_id(store, decision_id))
        facts = record.get("facts")
        return record["decision"], facts if isinstance(facts, dict) else None

    return lookup
