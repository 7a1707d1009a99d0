"""Merge partial facts documents from several tools into one document.

Mappings merge key by key, recursively. A list section merges item by item on
its identity key (a metric is the same fact when its name, dataset, split and
slice agree); any other list is one value. The same fact with an equal value
from two sources is fine (the first ``source`` is kept); different values are a
``FactsConflictError`` naming the fact and both sources::

    conflict at /metrics[roc_auc, test]/value: 0.91 from a.json (mlflow)
    vs 0.89 from b.yaml (fairlearn)

(one line in the real message).

``prefer`` lists origins (file names) or tool names that win a conflict, the
earlier the stronger. ``source`` and ``name_as_reported`` are provenance: they
never conflict. Inputs are not modified.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from mlgate.canonical import canonical_json, json_copy, show
from mlgate.errors import FactsConflictError

_METRIC_KEY = ("name", "dataset", "split", "slice")
IDENTITY: dict[tuple[str, ...], tuple[str, ...]] = {
    ("metrics",): _METRIC_KEY,
    ("change", "baseline_metrics"): _METRIC_KEY,
    ("fairness",): ("metric", "sensitive_feature", "dataset"),
    ("robustness",): ("test", "metric"),
    ("approvals",): ("role", "principal"),
    ("security", "vulnerabilities"): ("id", "package"),
    ("security", "scans"): ("tool", "target"),
    ("lineage", "datasets"): ("name", "role"),
    ("lineage", "leakage_checks"): ("name",),
    ("lineage", "data_quality"): ("name",),
    ("explainability", "artifacts"): ("kind", "uri"),
}
PROVENANCE = frozenset({"source", "name_as_reported"})
_MISSING = object()


@dataclass(frozen=True)
class _Who:
    origin: str
    tool: str | None

    def __str__(self) -> str:
        return f"{self.origin} ({self.tool})" if self.tool else self.origin

    def rank(self, prefer: Sequence[str]) -> int | None:
        names = {self.origin, PurePath(self.origin).name, self.tool}
        return next((i for i, p in enumerate(prefer) if p in names), None)


def merge(
    fragments: Sequence[tuple[str, dict[str, Any]]], *, prefer: Sequence[str] = ()
) -> dict[str, Any]:
    """One document from ``(origin, fragment)`` pairs, in order.

    A single fragment whose keyed lists name each fact once merges into a
    plain copy of itself, which is how it is made (a re-certification loads
    thousands of single documents).
    """
    if len(fragments) == 1 and _each_fact_once(fragments[0][1]):
        copy: dict[str, Any] = json_copy(fragments[0][1])
        return copy
    return merge_each(fragments, prefer=prefer)


def merge_each(
    fragments: Sequence[tuple[str, dict[str, Any]]], *, prefer: Sequence[str] = ()
) -> dict[str, Any]:
    """``merge`` without the shortcut for a single fragment (tests compare the two)."""
    merger = _Merger(tuple(prefer))
    out: dict[str, Any] = {}
    for origin, doc in fragments:
        merger.mapping(out, doc, (), "", (), _Who(origin, None))
    return out


class _Merger:
    def __init__(self, prefer: tuple[str, ...]) -> None:
        self.prefer = prefer
        self.owners: dict[tuple[Any, ...], _Who] = {}

    def mapping(
        self, target: dict[str, Any], new: dict[str, Any], spath: tuple[str, ...],
        where: str, kpath: tuple[Any, ...], who: _Who,
    ) -> None:  # fmt: skip
        source = new.get("source")
        if isinstance(source, dict) and isinstance(source.get("tool"), str):
            who = _Who(who.origin, source["tool"])
        for key, value in new.items():
            if key in PROVENANCE:
                target.setdefault(key, json_copy(value))
            else:
                self.value(target, key, value, (*spath, key), f"{where}/{key}", (*kpath, key), who)

    def value(
        self, parent: dict[str, Any], key: str, new: Any, spath: tuple[str, ...],
        where: str, kpath: tuple[Any, ...], who: _Who,
    ) -> None:  # fmt: skip
        old = parent.get(key, _MISSING)
        if old is _MISSING:
            self.owners[kpath] = who
        if isinstance(new, dict) and (old is _MISSING or isinstance(old, dict)):
            self.mapping(parent.setdefault(key, {}), new, spath, where, kpath, who)
        elif (
            isinstance(new, list)
            and spath in IDENTITY
            and (old is _MISSING or isinstance(old, list))
        ):
            self.keyed_list(parent.setdefault(key, []), new, spath, where, kpath, who)
        elif old is _MISSING:
            parent[key] = json_copy(new)
        elif not same(old, new):
            prior = self.owners.get(kpath, _Who("an earlier fragment", None))
            if self._wins(who, prior):
                parent[key] = json_copy(new)
                self.owners[kpath] = who
            elif not self._wins(prior, who):
                raise FactsConflictError(
                    f"conflict at {where}: {show(old)} from {prior} vs {show(new)} from {who}"
                )

    def keyed_list(
        self, target: list[Any], new: list[Any], spath: tuple[str, ...],
        where: str, kpath: tuple[Any, ...], who: _Who,
    ) -> None:  # fmt: skip
        fields = IDENTITY[spath]
        index = {_identity(item, fields): item for item in target}
        for item in new:
            ident = _identity(item, fields)
            if not isinstance(item, dict):
                if ident not in index:
                    target.append(index.setdefault(ident, json_copy(item)))
                continue
            if ident not in index:
                target.append(index.setdefault(ident, {}))
            label = f"{where}[{_label(item, fields)}]"
            self.mapping(index[ident], item, spath, label, (*kpath, ident), who)

    def _wins(self, a: _Who, b: _Who) -> bool:
        ra, rb = a.rank(self.prefer), b.rank(self.prefer)
        return ra is not None and (rb is None or ra < rb)


def same(a: Any, b: Any) -> bool:
    """JSON equality: ``1 == 1.0`` but ``true != 1``; provenance keys are ignored."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        keys = a.keys() - PROVENANCE
        return keys == b.keys() - PROVENANCE and all(same(a[k], b[k]) for k in keys)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    return type(a) is type(b) and bool(a == b)


def _each_fact_once(doc: dict[str, Any]) -> bool:
    """No keyed list of ``doc`` holds two items with the same identity."""
    for spath, fields in IDENTITY.items():
        node: Any = doc
        for key in spath:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, list) and len(node) > 1:
            identities = {_identity(item, fields) for item in node}
            if len(identities) < len(node):
                return False
    return True


def _identity(item: Any, fields: tuple[str, ...]) -> tuple[Any, ...]:
    """What makes two items the same fact: equal exactly when the identity fields'
    canonical JSON is equal (a string or null stands for itself, which is quicker)."""
    if not isinstance(item, dict):
        return (b"item", canonical_json(item))
    return tuple(
        v if (v := item.get(f)) is None or isinstance(v, str) else canonical_json(v) for f in fields
    )


def _label(item: dict[str, Any], fields: tuple[str, ...]) -> str:
    parts = []
    for f in fields:
        value = item.get(f)
        if isinstance(value, dict):
            parts.append(
                "{" + ", ".join(f"{k}={_plain(v)}" for k, v in sorted(value.items())) + "}"
            )
        elif value is not None:
            parts.append(_plain(value))
    return ", ".join(parts)


def _plain(value: Any) -> str:
    return value if isinstance(value, str) else show(value)
