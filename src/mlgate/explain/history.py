"""Attach a model's decision history from the log to a decision being reported.

The history is context, not evidence: when no log exists the report has no
history section, and a log that cannot be read is a warning, not an error (the
decision itself was already loaded and checked).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from mlgate.decisions.model import Decision
from mlgate.errors import MlgateError
from mlgate.logstore.history import model_history
from mlgate.logstore.open import is_postgres, open_store, resolve

if TYPE_CHECKING:
    from mlgate.decisions.model import Decision


def with_history(decision: Decision, location: str | None) -> Decision:

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
    with store:
        try:
            history = model_history(store, name)
        except MlgateError as exc:
            print(f"mlgate: warning: no decision history: {exc.message}", file=sys.stderr)
            return decision
    return Decision({**decision.document, "history": history}) if history else decision
