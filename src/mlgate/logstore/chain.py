"""The hash chain: sealing a record and walking a chain to find the first bad one.

A stored record is the canonical JSON of its body, which holds ``seq`` (1, 2,
…), ``prev_hash`` (the hash of record ``seq - 1``; zeros for the first) and
``time``; its hash is ``sha256:`` + the hex sha256 of those bytes. The columns
a store indexes (model, outcome, …) are copies of body fields: verify checks
them too, so a query cannot be made to lie. The head (``seq`` and hash of the
last record, updated in the same transaction as every append) catches records
removed from, or added at, the end.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mlgate.canonical import canonical_json
from mlgate.logstore.errors import CorruptLogError

GENESIS = "sha256:" + "0" * 64
COLUMNS = (
    "kind",
    "decision_id",
    "time",
    "model",
    "version",
    "outcome",
    "bundle_revision",
    "bundle_digest",
    "evidence_digest",
)


@dataclass(frozen=True)
class Row:
    """One stored record: its position, hash, body text and indexed columns."""

    seq: int
    hash: str
    body: str
    columns: dict[str, str | None]

    @property
    def intact(self) -> bool:
        """The body still has the hash it was sealed with."""
        return hash_text(self.body) == self.hash

    def document(self) -> dict[str, Any]:
        """The record; a body that is no JSON object is a ``LogStoreError`` (corrupt log)."""
        try:
            value = json.loads(self.body)
        except (ValueError, TypeError):
            value = None
        if not isinstance(value, dict):
            raise CorruptLogError(
                f"log record {self.seq} is not a JSON object (corrupt); run `mlgate log verify`"
            )
        return value


@dataclass(frozen=True)
class Head:
    seq: int
    hash: str


@dataclass(frozen=True)
class Report:
    count: int
    head: str
    problem: str | None = None
    bad_seq: int | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def hash_text(body: str) -> str:
    return "sha256:" + hashlib.sha256(body.encode("utf-8")).hexdigest()


def seal(entry: dict[str, Any], seq: int, prev_hash: str, time: str) -> tuple[str, str]:
    """The body text and hash of ``entry`` stored at ``seq`` after ``prev_hash``."""
    body = canonical_json({**entry, "seq": seq, "prev_hash": prev_hash, "time": time})
    text = body.decode("utf-8")
    return text, hash_text(text)


def columns_of(body: dict[str, Any]) -> dict[str, str | None]:
    """The indexed columns of a record, taken from its body."""
    subject = body.get("subject") or {}
    bundle = body.get("bundle") or {}

    def text(value: Any) -> str | None:
        return None if value is None else str(value)

    return {
        "kind": text(body.get("kind")),
        "decision_id": text(body.get("decision_id")),
        "time": text(body.get("time")),
        "model": text(subject.get("name")),
        "version": text(subject.get("version")),
        "outcome": text(body.get("outcome")),
        "bundle_revision": text(bundle.get("revision")),
        "bundle_digest": text(bundle.get("digest")),
        "evidence_digest": text(body.get("evidence_digest")),
    }


def verify_rows(rows: Iterable[Row], head: Head | None) -> Report:
    """Walk ``rows`` in ``seq`` order; the report names the first bad record."""
    prev, expected = GENESIS, 1
    for row in rows:
        problem = _row_problem(row, expected, prev)
        if problem:
            return Report(expected - 1, prev, problem, expected)
        prev, expected = row.hash, expected + 1
    count = expected - 1
    if head is None and count:
        return Report(count, prev, "the log head is missing: it was removed", count)
    if head is not None and (head.seq, head.hash) != (count, prev):
        if head.seq > count:
            what = f"records {count + 1}..{head.seq} were removed from the end"
        elif head.seq < count:
            what = f"records {head.seq + 1}..{count} were added after the head"
        else:
            what = f"record {count} was replaced"
        problem = f"the head says {head.seq} record(s) ending in {head.hash}: {what}"
        return Report(count, prev, problem, min(head.seq, count) + 1)
    return Report(count, prev)


def _row_problem(row: Row, expected: int, prev: str) -> str | None:

    if row.seq < expected:
        return (
            f"record {row.seq} was inserted: the chain starts at 1 and runs in order, "
            f"and record {expected} was expected here"
        )
    if row.seq != expected:
        return (
            f"record {expected} is missing: the chain jumps from {expected - 1} to {row.seq} "
            "(deleted)"
        )
    if not row.intact:
        return f"record {row.seq}: its content does not match its hash (edited)"
    try:
        body = row.document()
    except CorruptLogError:
        return f"record {row.seq}: its content is not a JSON object (edited)"
    if body.get("seq") != row.seq:
        return f"record {row.seq}: it was written as record {body.get('seq')} (reordered)"
    if body.get("prev_hash") != prev:
        return (
            f"record {row.seq}: it does not link to record {row.seq - 1} "
            f"(record {row.seq - 1} was edited or replaced, or records were inserted or reordered)"
        )
    for name, value in columns_of(body).items():
        if row.columns.get(name) != value:
            shown = row.columns.get(name)
            return (
                f"record {row.seq}: column {name} is {shown!r}, the record says {value!r} (edited)"
            )
    return None
