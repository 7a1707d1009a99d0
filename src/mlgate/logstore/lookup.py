"""Finding things in the log: a decision by id, the approvals for a model version."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mlgate.logstore.base import Query
from mlgate.logstore.errors import CorruptLogError, LogStoreError

if TYPE_CHECKING:
    from mlgate.logstore.base import LogStore
    from mlgate.logstore.chain import Row

APPROVAL_KINDS = ("approval", "rejection")
MIN_PREFIX = 4  # as git's shortest abbreviated hash
_PREFIX = re.compile(r"[0-9a-fA-F-]+")


def resolve_decision_id(store: LogStore, given: str) -> str:
    """The full id of the logged decision ``given`` names: the id itself, or the one
    decision whose id starts with it (at least four characters), as git takes a
    unique abbreviated hash. Two or more candidates: ``LogStoreError`` naming them."""
    if len(given) < MIN_PREFIX or not _PREFIX.fullmatch(given):
        return given  # find_decision says whether it is logged
    if store.select(Query(decision_id=given, kind="decision", limit=1)):
        return given
    rows = store.select(Query(decision_id_prefix=given, kind="decision", limit=50))
    ids = sorted({str(r.columns.get("decision_id")) for r in rows})
    if len(ids) > 1:
        shown = ", ".join(ids[:5]) + (", …" if len(ids) > 5 else "")
        raise LogStoreError(
            f"decision id {given!r} is ambiguous in the decision log {store.location}: "
            f"{len(ids)}{'+' if len(rows) == 50 else ''} decisions start with it ({shown}); "
            "give more characters"
        )
    return ids[0] if ids else given


def find_decision(store: LogStore, decision_id: str) -> dict[str, Any]:
    """The logged decision record ``decision_id``; ``LogStoreError`` if there is none, or
    if the record, or the log around it, is not as mlgate wrote it."""
    require_whole(store)  # a record inserted outside the chain is no decision to show
    rows = store.select(Query(decision_id=decision_id, kind="decision"))
    if not rows:
        raise LogStoreError(f"decision {decision_id} is not in the decision log {store.location}")
    row = rows[-1]
    record = _sealed_document(row, f"decision {decision_id}: ")
    problem = _decision_problem(record)
    if problem:
        raise CorruptLogError(
            f"decision {decision_id}: log record {row.seq} {problem} (corrupt); "
            "run `mlgate log verify`"
        )
    return record


def _sealed_document(row: Row, about: str = "") -> dict[str, Any]:
    """The record ``row`` holds, if its body still has its hash: an edited record must
    stop the command, not be shown, skipped or counted."""
    if not row.intact:
        raise CorruptLogError(
            f"{about}log record {row.seq} does not match its hash (edited); run `mlgate log verify`"
        )
    return row.document()


def _decision_problem(record: dict[str, Any]) -> str | None:
    """What is wrong with the shape of a decision record, or None."""
    if not isinstance(record.get("decision"), dict):
        return "holds no decision object"
    if "facts" in record and not isinstance(record["facts"], dict | None):
        return "holds facts that are not an object"
    masked = record.get("masked")
    if masked is not None and not (
        isinstance(masked, list)
        and all(isinstance(m, dict) and isinstance(m.get("path"), str) for m in masked)
    ):
        return "holds a masked list that is not a list of paths"
    return None


@dataclass(frozen=True)
class Stored:
    """An approval record as the log holds it: the record, its log hash and the time
    the log recorded it."""

    record: dict[str, Any]
    ref: str
    time: str | None = None


def approval_records(store: LogStore, subject: dict[str, Any]) -> list[Stored]:
    """Every approval and rejection logged for the subject's name and version."""

    name, version = subject.get("name"), subject.get("version")
    if not isinstance(name, str) or not isinstance(version, str):
        return []
    require_whole(store)
    rows = store.select(Query(model=name, version=version))
    out = []
    for row in rows:
        if row.columns.get("kind") in APPROVAL_KINDS:
            out.append(Stored(_approval(row, name, version), row.hash, row.columns.get("time")))
    return out


def _approval(row: Row, name: str, version: str) -> dict[str, Any]:
    """The approval a row holds, checked against its hash and its indexed columns."""
    document = _sealed_document(row)
    approval = document.get("approval")
    payload = approval.get("payload") if isinstance(approval, dict) else None
    subject = payload.get("subject") if isinstance(payload, dict) else None
    if not isinstance(subject, dict) or (subject.get("name"), subject.get("version")) != (
        name,
        version,
    ):
        raise LogStoreError(
            f"log record {row.seq} is not the approval of {name} {version} its columns say; "
            "run `mlgate log verify`"
        )
    assert isinstance(approval, dict)  # a payload was found in it
    return approval


def require_whole(store: LogStore) -> None:
    """No record deleted or inserted since the head was written (a deleted rejection
    would otherwise let an approval pass). Counts only: ``log verify`` checks hashes."""
    count, last, expected = store.extent()
    if count != expected or last != expected:
        raise LogStoreError(
            f"decision log {store.location}: holds {count} record(s) up to seq {last}, but its "
            f"head says {expected}: records were deleted or inserted; run `mlgate log verify`"
        )
