"""The ``LogStore`` seam and the query both stores answer.

A store appends entries atomically (all of a batch or none), serialised
against every other writer, and hands rows back in ``seq`` order. Everything
else (sealing, verification, masking, export) is store-independent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol, Self

from mlgate.logstore.chain import Head, Row

_EQUAL: tuple[str, ...] = ("decision_id", "kind", "model", "version", "outcome")
_EQUAL += ("bundle_revision", "evidence_digest")
_ID_PREFIX = re.compile(r"[0-9a-fA-F-]+")


@dataclass(frozen=True)
class Query:
    """Filters for ``select``: every field given must match; times are RFC 3339."""

    decision_id: str | None = None
    decision_id_prefix: str | None = None  # hexadecimal digits and dashes only
    kind: str | None = None
    model: str | None = None
    version: str | None = None
    outcome: str | None = None
    bundle_revision: str | None = None
    evidence_digest: str | None = None
    since: str | None = None
    until: str | None = None
    limit: int | None = None

    def where(self, mark: str) -> tuple[str, list[Any]]:
        """A SQL ``WHERE`` clause (``mark`` is the placeholder) and its parameters."""
        clauses: list[str] = []
        params: list[Any] = []
        for name in _EQUAL:
            value = getattr(self, name)
            if value is not None:
                clauses.append(f"{name} = {mark}")
                params.append(value)
        if self.decision_id_prefix is not None:
            if not _ID_PREFIX.fullmatch(self.decision_id_prefix):
                raise ValueError(f"not a decision id prefix: {self.decision_id_prefix!r}")
            clauses.append(f"decision_id LIKE {mark}")  # no wildcard can be in the prefix
            params.append(self.decision_id_prefix + "%")
        if self.since is not None:
            clauses.append(f"time >= {mark}")
            params.append(self.since)
        if self.until is not None:
            clauses.append(f"time < {mark}")
            params.append(self.until)
        sql = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        return sql, params


class LogStore(Protocol):
    """An append-only, hash-chained store of decision-log records."""

    location: str

    def append(self, entries: Sequence[dict[str, Any]]) -> list[Row]:
        """Seal and store ``entries`` after the current head, all or nothing."""
        ...

    def rows(self, batch: int = 5000) -> Iterator[Row]:
        """Every record in ``seq`` order (for verify and export)."""
        ...

    def head(self) -> Head | None:
        """The recorded head, or ``None`` for an empty (or truncated) log."""
        ...

    def extent(self) -> tuple[int, int, int]:
        """How many records there are, the last ``seq`` and the head's ``seq`` (0 without
        a head), read at one instant: a cheap check for deleted or inserted records."""
        ...

    def select(self, query: Query) -> list[Row]:
        """The records matching ``query``, in ``seq`` order."""
        ...

    def snapshot(self) -> AbstractContextManager[None]:
        """Reads inside see one consistent state of the log."""
        ...

    def schema_problem(self) -> str | None:
        """What mlgate did not create in the log's schema (a trigger, a view, a column),
        or ``None`` (``logstore.schema``)."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc: object) -> None: ...
