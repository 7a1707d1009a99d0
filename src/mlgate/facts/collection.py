"""Collect a facts document from the tools that produced the evidence.

Each source is ``KIND:LOCATION`` (``mlflow:models:/credit/3``,
``pip-audit:audit.json``, ``ci:``) or a ready :class:`FactsFragment` (e.g.
from ``fairlearn.from_metric_frame``). Fragments are normalised and merged,
and the merged document must be complete and valid::

    adapter.collect → normalize → merge → validate (complete)

The schema is checked once, on the whole (it is the costly step for large
reports); when it fails, each fragment is checked on its own so that the error
names the adapter whose facts are invalid.

A conflict names both sources unless ``prefer`` names the kind (or origin)
that wins. ``subject_from`` names the source whose subject identity (name,
version, registry URI) is used; other sources' identity fields are dropped.
Nothing is returned, and so nothing is written, unless every step succeeded.
"""

from __future__ import annotations

import time
import warnings as _warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from mlgate.errors import FactsValidationError, InputError, UsageError
from mlgate.facts.adapters.base import AdapterOptions, FactsFragment, get_adapter, kinds
from mlgate.facts.merge import merge
from mlgate.facts.normalize import derive_merged, normalize
from mlgate.facts.validate import validate

Source = str | FactsFragment
_IDENTITY = ("name", "version", "registry_uri")
_ORDER: tuple[str, ...] = (
    "apiVersion",
    "kind",
    "subject",
    "metrics",
    "fairness",
    "robustness",
    "explainability",
)
_ORDER += ("privacy", "security", "documentation", "lineage", "change", "approvals", "context")


@dataclass(frozen=True)
class Progress:
    index: int
    total: int
    origin: str
    summary: str
    seconds: float


@dataclass(frozen=True)
class Collected:
    document: dict[str, Any]
    warnings: tuple[str, ...]
    origins: tuple[str, ...]


def parse_source(text: str) -> tuple[str, str]:
    """``KIND:LOCATION`` split at the first colon; a bare kind has an empty location."""
    kind, colon, location = text.partition(":")
    if not colon and text not in kinds():
        known = ", ".join(kinds())
        raise UsageError(f"{text!r}: a source is KIND:LOCATION, with KIND one of {known}")
    return kind, location


def collect(
    sources: Sequence[Source],
    *,
    subject_from: Source | None = None,
    prefer: Sequence[str] = (),
    tracking_uri: str | None = None,
    now: datetime | None = None,
    environ: Mapping[str, str] | None = None,
    warn: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """The validated facts document collected from ``sources`` (Python API).

    Warnings (e.g. an expired declaration dropped) go to ``warn``, by default
    Python's ``warnings.warn``.
    """
    result = collect_facts(
        sources,
        subject_from=subject_from,
        prefer=prefer,
        tracking_uri=tracking_uri,
        now=now,
        environ=environ,
    )
    for message in result.warnings:
        if warn is None:
            _warnings.warn(message, stacklevel=2)
        else:
            warn(message)
    return result.document


def collect_facts(
    sources: Sequence[Source],
    *,
    subject_from: Source | None = None,
    prefer: Sequence[str] = (),
    tracking_uri: str | None = None,
    now: datetime | None = None,
    environ: Mapping[str, str] | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> Collected:
    """Like :func:`collect`, with the warnings returned and a progress callback per source."""
    if not sources and subject_from is None:
        raise UsageError("no source given: name at least one --from KIND:LOCATION")
    options = _options(tracking_uri, now, environ)
    todo = list(sources)
    if subject_from is not None and not any(_same(s, subject_from) for s in todo):
        todo.append(subject_from)
    fragments = [_collect_one(s, i, len(todo), options, progress) for i, s in enumerate(todo, 1)]
    messages = [f"{f.origin}: {w}" for f in fragments for w in f.warnings]
    if subject_from is not None:
        chosen = next(f for f, s in zip(fragments, todo, strict=True) if _same(s, subject_from))
        fragments = _keep_one_subject(fragments, chosen)
    merged = merge(
        [(f.origin, normalize(f.document)) for f in fragments],
        prefer=_preferred(prefer, fragments),
    )
    derive_merged(merged)
    document = _ordered({"apiVersion": "mlgate/v1", "kind": "ModelFacts", **merged})
    report = validate(document)  # once, on the whole: fragments are checked only on failure
    if report.errors:
        for fragment in fragments:
            _check_fragment(fragment)  # raises naming the adapter whose facts are invalid
        n = len(report.errors)
        hint = " (name the model with --subject-from)" if _lacks_subject(document) else ""
        raise FactsValidationError(
            f"the collected facts: {n} problem{'s' if n != 1 else ''}{hint}",
            details=report.lines(),
        )
    return Collected(document, tuple(messages), tuple(f.origin for f in fragments))


def _options(
    tracking_uri: str | None, now: datetime | None, environ: Mapping[str, str] | None
) -> AdapterOptions:
    kwargs: dict[str, Any] = {"tracking_uri": tracking_uri}
    if now is not None:
        kwargs["now"] = now
    if environ is not None:
        kwargs["environ"] = dict(environ)
    return AdapterOptions(**kwargs)


def _collect_one(
    source: Source,
    index: int,
    total: int,
    options: AdapterOptions,
    progress: Callable[[Progress], None] | None,
) -> FactsFragment:
    started = time.perf_counter()
    if isinstance(source, FactsFragment):
        fragment = source
    else:
        kind, location = parse_source(source)
        fragment = get_adapter(kind, options).collect(location)
    if progress is not None:
        elapsed = time.perf_counter() - started
        progress(Progress(index, total, fragment.origin, summarize(fragment.document), elapsed))
    return fragment


def summarize(document: Mapping[str, Any]) -> str:
    """A short count of what a fragment holds, for the progress line."""
    parts = []
    for key, value in document.items():
        if isinstance(value, list):
            parts.append(f"{len(value)} {key}")
        elif isinstance(value, dict):
            inner = [f"{len(v)} {k}" for k, v in value.items() if isinstance(v, list)]
            parts.append(", ".join(inner) if inner else key)
    return ", ".join(parts) or "nothing"


def _check_fragment(fragment: FactsFragment) -> None:
    report = validate(fragment.document, partial=True)
    if report.errors:
        n = len(report.errors)
        raise FactsValidationError(
            f"{fragment.kind} adapter: {fragment.location}: produced {n} invalid fact(s)",
            details=report.lines(),
        )


def _keep_one_subject(fragments: list[FactsFragment], chosen: FactsFragment) -> list[FactsFragment]:
    if _lacks_subject(chosen.document):
        raise InputError(f"--subject-from {chosen.origin}: that source names no model version")
    out = []
    for fragment in fragments:
        other = fragment.document.get("subject")
        if fragment is not chosen and isinstance(other, dict):
            subject = {k: v for k, v in other.items() if k not in _IDENTITY}
            document = {**fragment.document, "subject": subject}
            fragment = replace(fragment, document=document)
        out.append(fragment)
    return out


def _preferred(prefer: Sequence[str], fragments: list[FactsFragment]) -> list[str]:
    ranked: list[str] = []
    for name in prefer:
        matches = [f.origin for f in fragments if name in (f.kind, f.origin)]
        if not matches:
            raise UsageError(f"--prefer {name}: no source of that kind or origin was given")
        ranked += [*matches, name]
    return ranked


def _ordered(document: dict[str, Any]) -> dict[str, Any]:
    """Sections in the schema's order (then any others), for a readable document."""
    first = [k for k in _ORDER if k in document]
    return {k: document[k] for k in [*first, *sorted(document.keys() - set(first))]}


def _same(a: Source, b: Source) -> bool:
    return a is b if isinstance(a, FactsFragment) else a == b


def _lacks_subject(document: Mapping[str, Any]) -> bool:
    subject = document.get("subject")
    return not isinstance(subject, dict) or not {"name", "version"} <= subject.keys()
