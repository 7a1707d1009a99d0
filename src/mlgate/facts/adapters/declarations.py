"""``declarations:FILE``: attested statements for facts no tool measures.

A YAML (or JSON) file::

    declarations:
      - fact: /privacy/impact_assessment/completed   # JSON pointer into the facts
        value: true
        asserted_by: dpo@example.com
        asserted_at: 2026-10-01T09:00:00Z
        evidence: https://grc.example.com/dpia/2291
        expires_at: 2027-10-01T00:00:00Z

Every field is required. ``/-`` appends to a list (``/approvals/-`` with a
mapping value). The statement becomes the ``source`` of the object that holds
the value (``tool: declarations`` plus ``statements``: who asserted what,
when, on which evidence, until when). A declaration whose ``expires_at`` has
passed is dropped with a warning; one asserted in the future is an error.
"""

from __future__ import annotations

import copy
import re
from datetime import datetime
from typing import Any

from mlgate.facts.adapters.base import (
    AdapterBase,
    FactsFragment,
    fail,
)

KIND = "declarations"
FIELDS = ("fact", "value", "asserted_by", "asserted_at", "evidence", "expires_at")
_SECTIONS: tuple[str, ...] = (
    "subject",
    "privacy",
    "security",
    "documentation",
    "lineage",
    "change",
)
_SECTIONS += ("approvals", "context", "explainability", "metrics", "fairness", "robustness")
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


class Adapter(AdapterBase):
    kind = KIND

    def collect(self, location: str) -> FactsFragment:
        read = self.read(location, what="a declarations file", yaml=True)
        items = read.document.get("declarations")
        if not isinstance(items, list):
            raise fail(KIND, location, "no 'declarations' list")
        base = read.source
        document: dict[str, Any] = {}
        warnings: list[str] = []
        for i, item in enumerate(items):
            statement = _statement(item, i, location)
            if _parse(statement["expires_at"]) <= self.options.now:
                warnings.append(
                    f"{statement['fact']}: declared by {statement['asserted_by']} expired at "
                    f"{statement['expires_at']}; dropped"
                )
                continue
            if _parse(statement["asserted_at"]) > self.options.now:
                raise fail(KIND, location, f"/declarations/{i}: asserted_at is in the future")
            _place(document, statement, base, f"/declarations/{i}", location)
        return FactsFragment(KIND, location, document, tuple(warnings))


def _statement(item: Any, i: int, location: str) -> dict[str, Any]:
    where = f"/declarations/{i}"
    if not isinstance(item, dict):
        raise fail(KIND, location, f"{where}: a declaration is a mapping")
    missing = [f for f in FIELDS if f not in item]
    if missing:
        raise fail(KIND, location, f"{where}: missing {', '.join(missing)}")
    unknown = sorted(set(item) - set(FIELDS))
    if unknown:
        raise fail(KIND, location, f"{where}: unknown field(s) {', '.join(unknown)}")
    for name in ("fact", "asserted_by", "evidence"):
        if not isinstance(item[name], str) or not item[name].strip():
            raise fail(KIND, location, f"{where}/{name}: must be a non-empty string")
    for name in ("asserted_at", "expires_at"):
        if not isinstance(item[name], str) or not _TIME.match(item[name]):
            raise fail(KIND, location, f"{where}/{name}: not an RFC 3339 timestamp")
        try:
            _parse(item[name])
        except ValueError as exc:
            raise fail(KIND, location, f"{where}/{name}: {exc}") from None
    return dict(item)


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _place(
    document: dict[str, Any], statement: dict[str, Any], base: dict[str, Any],
    where: str, location: str,
) -> None:  # fmt: skip
    parts = _pointer(statement["fact"], where, location)
    attestation = {k: statement[k] for k in FIELDS if k != "value"}
    value = copy.deepcopy(statement["value"])
    parent: Any = document
    for depth, key in enumerate(parts[:-1]):
        nxt = parts[depth + 1]
        if isinstance(parent, dict):
            parent = parent.setdefault(key, [] if nxt == "-" else {})
        else:
            raise fail(KIND, location, f"{where}/fact: cannot descend into a list at {key!r}")
    last = parts[-1]
    if last == "-":
        if not isinstance(parent, list) or not isinstance(value, dict):
            raise fail(KIND, location, f"{where}: '/-' appends a mapping value to a list")
        value["source"] = {**base, "statements": [attestation]}
        parent.append(value)
        return
    if not isinstance(parent, dict):
        raise fail(KIND, location, f"{where}/fact: {statement['fact']} is not inside a mapping")
    if parent is document and not isinstance(value, dict):
        raise fail(KIND, location, f"{where}: a whole section is declared as a mapping")
    if last in parent:
        raise fail(KIND, location, f"{where}: {statement['fact']} is declared twice")
    if isinstance(value, dict):
        value["source"] = {**base, "statements": [attestation]}
    else:
        source = parent.setdefault("source", {**base, "statements": []})
        source["statements"].append(attestation)
    parent[last] = value


def _pointer(text: str, where: str, location: str) -> list[str]:
    if not text.startswith("/") or text == "/":
        raise fail(KIND, location, f"{where}/fact: {text!r} is not a JSON pointer like /a/b")
    parts = [p.replace("~1", "/").replace("~0", "~") for p in text[1:].split("/")]
    if parts[0] not in _SECTIONS:
        raise fail(KIND, location, f"{where}/fact: {text} is not in a facts section")
    if "source" in parts or "" in parts:
        raise fail(KIND, location, f"{where}/fact: {text} cannot be declared")
    return parts
