"""Approvals and rejections the decision log recorded against a decision after it.

``mlgate approve DECISION_ID`` appends a signed record to the log; the decision
itself never changes, so a report of it would not show them. These are the
records whose payload names this decision, in log order, each with the time
the log recorded it and the time it was signed. They are context: whether
they count (signature, principal, expiry, separation of duties) is for
``mlgate status`` and the next ``mlgate check`` to say.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mlgate.logstore.lookup import approval_records

if TYPE_CHECKING:
    from mlgate.logstore.base import LogStore

_COPIED = ("principal", "role", "decision", "at", "signer", "expires_at", "comment", "source")


def recorded_after(store: LogStore, decision: dict[str, Any]) -> list[dict[str, Any]]:
    """The approvals and rejections logged against ``decision``, oldest first."""
    decision_id = decision.get("decision_id")
    if not isinstance(decision_id, str) or not decision_id:
        return []
    out = []
    for stored in approval_records(store, decision.get("subject") or {}):
        payload = stored.record.get("payload") or {}
        if payload.get("decision_id") != decision_id:
            continue
        item = {k: payload[k] for k in _COPIED if isinstance(payload.get(k), str)}
        out.append({**item, "recorded_at": stored.time, "record": stored.ref})
    return out
