"""Exporting log records: JSON lines (verifiable) or OPA decision-log events.

``jsonl``: one record per line, the stored body plus its ``hash``; anyone can
check a line by dropping ``hash`` and hashing the canonical JSON of the rest,
and the chain by following ``prev_hash``.

``opa``: the event shape OPA's decision-log plugin uploads (``decision_id``,
``labels``, ``path``, ``input``, ``result``, ``bundles``, ``timestamp``,
``requested_by``, ``erased``, ``masked``), one JSON object per line, so the
tools that read OPA decision logs read mlgate's too. Events received from OPA
by ``mlgate log serve`` are exported as they came.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from enum import StrEnum
from typing import Any

from mlgate.logstore.chain import Row
from mlgate.version import __version__


class ExportFormat(StrEnum):
    JSONL = "jsonl"
    OPA = "opa"


def export_lines(rows: Iterable[Row], fmt: ExportFormat) -> Iterator[str]:
    """One line per record; a record that does not match its hash is exported as it is
    (it is evidence too) with a warning on stderr naming it."""
    for row in rows:
        if not row.intact:
            print(
                f"mlgate: warning: log record {row.seq} does not match its hash (edited); "
                "run `mlgate log verify`",
                file=sys.stderr,
            )
        body = row.document()
        if fmt is ExportFormat.JSONL:
            out: dict[str, Any] = {**body, "hash": row.hash}
        else:
            out = opa_event(body)
        yield json.dumps(out, ensure_ascii=False, sort_keys=True) + "\n"


def opa_event(body: dict[str, Any]) -> dict[str, Any]:

    if body.get("kind") == "opa_event" and isinstance(body.get("event"), dict):
        return dict(body["event"])
    masked = body.get("masked") or []
    event: dict[str, Any] = {
        "decision_id": body.get("decision_id"),
        "labels": {"app": "mlgate", "version": __version__, "kind": body.get("kind")},
        "bundles": {"mlgate": {"revision": (body.get("bundle") or {}).get("revision", "")}},
        "timestamp": body.get("time"),
        "requested_by": body.get("actor"),
    }
    if body.get("kind") == "decision":
        event.update(path="mlgate/decision", input=body.get("facts"), result=body.get("decision"))
        erased = [f"/input{m['path']}" for m in masked if m.get("op") == "remove"]
        hashed = [f"/input{m['path']}" for m in masked if m.get("op") == "hash"]
        if erased:
            event["erased"] = erased
        if hashed:
            event["masked"] = hashed
    else:
        approval = body.get("approval") or {}
        event.update(
            path="mlgate/approval",
            input=approval.get("payload"),
            result={"decision": body.get("outcome")},
        )
    return event
