"""Where impact analysis gets its facts: a directory of facts files, or the decision log.

From a directory: every ``*.json`` / ``*.yaml`` / ``*.yml`` file below it,
labelled by its relative path. From the decision log: the facts of the most
recent logged decision of each model version, evaluated again at that
decision's ``evaluated_at`` (a record whose facts were logged masked cannot
be evaluated again and is reported as skipped).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mlgate.decisions.verdict import Item, Verdict
from mlgate.errors import InputError
from mlgate.logstore.base import Query
from mlgate.logstore.open import open_store

_SUFFIXES = (".json", ".yaml", ".yml")


def facts_dir_items(directory: Path) -> list[Item]:
    if not directory.is_dir():
        raise InputError(f"{directory}: no such facts directory")
    files = sorted(p for p in directory.rglob("*") if p.suffix in _SUFFIXES and p.is_file())
    if not files:
        raise InputError(f"{directory}: no facts files (*.json, *.yaml) in it")
    return [Item(str(p.relative_to(directory)), path=str(p)) for p in files]


def log_items(location: str | None) -> tuple[list[Item], list[str]]:
    """The latest decision per model version: ``(items, skipped decision ids)``."""

    latest: dict[tuple[str, str], dict[str, Any]] = {}
    with open_store(location, create=False) as store, store.snapshot():
        for row in store.select(Query(kind="decision")):
            record = row.document()
            subject = record.get("subject") or {}
            key = (str(subject.get("name")), str(subject.get("version")))
            latest[key] = record  # rows come in seq order: the last one wins
    items: list[Item] = []
    skipped: list[str] = []
    for record in latest.values():
        decision = record.get("decision") or {}
        if record.get("masked") or not isinstance(record.get("facts"), dict):
            skipped.append(str(record.get("decision_id")))
            continue
        logged = Verdict.from_decision(decision)
        items.append(
            Item(
                str(record.get("decision_id")),
                document=record["facts"],
                evaluated_at=decision.get("evaluated_at"),
                logged=logged if isinstance(logged, Verdict) else None,
                logged_digest=str((decision.get("bundle") or {}).get("digest") or "-"),
            )
        )
    if not items and not skipped:
        raise InputError(f"{store.location}: the decision log holds no decisions")
    return items, skipped
