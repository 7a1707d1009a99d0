"""Attach what the decision log knows around a decision being reported.

The model's decision history (its last decisions, any version) and the
approvals and rejections recorded against this decision after it was made
(``explain.recorded_after``): ``mlgate status`` shows those, and a report of
the decision must not look as if none had been given. Both are context, not
evidence: when no log exists the report has neither, and a log that cannot be
read is a warning, not an error (the decision itself was already loaded and
checked).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from mlgate.decisions.model import Decision
from mlgate.errors import MlgateError
from mlgate.explain.recorded_after import recorded_after
from mlgate.logstore.history import model_history
from mlgate.logstore.open import is_postgres, open_store, resolve


def with_history(decision: Decision, location: str | None) -> Decision:
    """The decision with ``history`` and ``approvals_recorded_after`` from the log, when
    the log at ``location`` holds any."""
    name = (decision.document.get("subject") or {}).get("name")
    if not isinstance(name, str):
        return decision
    chosen = resolve(location)
    if not is_postgres(chosen) and not Path(chosen).expanduser().is_file():
        return decision  # no log here: nothing to show
    try:
        store = open_store(chosen, create=False)
    except MlgateError as exc:
        print(f"mlgate: warning: no decision history: {exc.message}", file=sys.stderr)
        return decision
    added: dict[str, Any] = {}
    with store:
        try:
            added["history"] = model_history(store, name)
            added["approvals_recorded_after"] = recorded_after(store, decision.document)
        except MlgateError as exc:
            print(f"mlgate: warning: no decision history: {exc.message}", file=sys.stderr)
            return decision
    found = {k: v for k, v in added.items() if v}
    return Decision({**decision.document, **found}) if found else decision
