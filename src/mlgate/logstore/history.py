"""A model's past decisions from the log, for the certification report's history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mlgate.logstore.base import Query

if TYPE_CHECKING:
    from mlgate.logstore.base import LogStore

HISTORY_LIMIT = 20


def model_history(store: LogStore, name: str, limit: int = HISTORY_LIMIT) -> list[dict[str, Any]]:
    """The model's last ``limit`` logged decisions (any version), newest first.

    Read from the log's indexed columns: the time, version, outcome, bundle
    revision and decision id of each; ``mlgate log verify`` checks the chain.
    """
    rows = store.select(Query(kind="decision", model=name, limit=limit))
    fields = ("decision_id", "time", "version", "outcome", "bundle_revision")
    return [{f: row.columns.get(f) for f in fields} for row in reversed(rows)]
