"""Names a facts document uses that the schema or the metric registry does not know.

A misspelled field is silently absent to the policy: ``ratoi: 0.86`` in a fairness
entry leaves ``ratio`` unstated, and a metric named ``acuracy`` is judged by no
threshold. Neither is an error (tools add fields of their own, and a team may
measure metrics mlgate has no entry for), so each is a warning, with the closest
known name when there is one (a metric name is reported only when a registry
spelling is close: tools log many metrics of a team's own):

    unknown top-level section 'fairnes' (did you mean 'fairness'?)
    /fairness/0/ratoi: unknown field (did you mean 'ratio'?)
    /metrics/1/name: unknown metric 'acuracy' (did you mean 'accuracy'?)

Fields are checked wherever the schema lists an object's properties; a map the
schema describes by its values (``by_group``, ``slice``, ``monitoring.owners``)
has no fixed keys and is not checked.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterator
from typing import Any

from mlgate.facts.metrics import CLOSE, closest, lookup
from mlgate.resources import load_schema

FACTS_SCHEMA = "facts.schema.json"
TOP_LEVEL_EXTRA = frozenset({"source"})
# Where a metric's name sits: (section path, name field).
_METRIC_NAMES = (
    (("metrics",), "name"),
    (("change", "baseline_metrics"), "name"),
    (("robustness",), "metric"),
)


def unknown_names(doc: Any) -> list[str]:
    """Every warning about an unknown section, field or metric, in document order."""
    if not isinstance(doc, dict):
        return []
    return [*_sections(doc), *_fields(doc), *_metrics(doc)]


def _suggest(name: str, known: Any) -> str:
    found = difflib.get_close_matches(name, sorted(known), n=1, cutoff=CLOSE)
    return f" (did you mean {found[0]!r}?)" if found else ""


def _sections(doc: dict[str, Any]) -> Iterator[str]:
    known = set(_schema()["properties"]) | TOP_LEVEL_EXTRA
    for key in sorted(doc):
        if key not in known:
            yield f"unknown top-level section {key!r}{_suggest(key, known)}"


def _fields(doc: dict[str, Any]) -> Iterator[str]:
    schema = _schema()
    for key, value in doc.items():
        sub = schema["properties"].get(key)
        if sub is not None:
            yield from _walk(value, sub, f"/{_escape(key)}")


def _walk(node: Any, schema: dict[str, Any], where: str) -> Iterator[str]:
    schema = _resolve(schema)
    if isinstance(node, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(node):
            yield from _walk(item, schema["items"], f"{where}/{i}")
    if not isinstance(node, dict) or "properties" not in schema:
        return
    properties: dict[str, Any] = schema["properties"]
    is_map = isinstance(schema.get("additionalProperties"), dict)
    for key, value in node.items():
        if key in properties:
            yield from _walk(value, properties[key], f"{where}/{_escape(key)}")
        elif not is_map:
            yield f"{where}/{_escape(key)}: unknown field{_suggest(key, properties)}"


def _metrics(doc: dict[str, Any]) -> Iterator[str]:
    """A metric name the registry does not know but one of its spellings is close to.
    (A name close to none is a metric of the team's own, as tools log many: no warning.)"""
    for path, field in _METRIC_NAMES:
        items: Any = doc
        for part in path:
            items = items.get(part) if isinstance(items, dict) else None
        for i, item in enumerate(items if isinstance(items, list) else []):
            name = item.get(field) if isinstance(item, dict) else None
            guess = closest(name) if isinstance(name, str) and lookup(name) is None else None
            if guess:
                where = f"/{'/'.join(path)}/{i}/{field}"
                yield f"{where}: unknown metric {name!r} (did you mean {guess!r}?)"


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        resolved: dict[str, Any] = _schema()["$defs"][ref.removeprefix("#/$defs/")]
        return resolved
    return schema


def _escape(key: str) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


@functools.cache
def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = load_schema(FACTS_SCHEMA)
    return schema
