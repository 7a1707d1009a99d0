"""The facts layer's entry points, used by the CLI and ``mlgate.pipeline``.

``load_facts`` is what ``mlgate check`` decides on: every file is loaded and
validated on its own (problems name the file when there are several), then
normalised, merged, and the merged document validated as a whole::

    load_document → validate (each) → normalize (each) → merge → validate (merged)

With one file the last step is skipped: that file was validated whole.

A fragment of several may be partial (``subject`` may come from one tool and
``metrics`` from another); the merged document must be complete.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgate.canonical import digest
from mlgate.errors import FactsValidationError, InputError
from mlgate.facts.load import DEFAULT_MAX_BYTES, display_name, load_document
from mlgate.facts.merge import merge
from mlgate.facts.normalize import derive_merged, normalize
from mlgate.facts.validate import Report, validate


@dataclass(frozen=True)
class Facts:
    """A validated, merged and normalised facts document, and where it came from."""

    document: dict[str, Any]
    origins: tuple[str, ...]
    warnings: tuple[str, ...] = ()

    @property
    def digest(self) -> str:
        """``sha256:<hex>`` of the canonical JSON of ``document``."""
        return digest(self.document)


def load_facts(
    paths: Sequence[str | Path],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    prefer: Sequence[str] = (),
) -> Facts:
    """The complete facts document from one or more files (``-`` is stdin).

    Raises ``InputError`` (unreadable or malformed file), ``FactsValidationError``
    (``details`` lists every ``/pointer: reason``) or ``FactsConflictError``.
    """
    return _build(paths, max_bytes=max_bytes, prefer=prefer, complete=True)


def merge_files(
    paths: Sequence[str | Path],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    prefer: Sequence[str] = (),
) -> dict[str, Any]:
    """The merged, normalised document for ``mlgate facts merge``.

    Validated like ``load_facts`` except that the result may still be partial
    (a required field may be missing), so merges can be built up in steps.
    """
    return _build(paths, max_bytes=max_bytes, prefer=prefer, complete=False).document


def validate_file(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Report:
    """The report for one complete document, for ``mlgate facts validate``.

    ``InputError`` when the file cannot be read or parsed; a fact given twice
    with different values raises ``FactsConflictError`` as ``load_facts`` would.
    """
    doc = load_document(path, max_bytes=max_bytes)
    report = validate(doc)
    if report.ok:
        merge([(display_name(path), normalize(doc))])
    return report


def _build(
    paths: Sequence[str | Path], *, max_bytes: int, prefer: Sequence[str], complete: bool
) -> Facts:
    if not paths:
        raise InputError("no facts document given")
    names = [display_name(p) for p in paths]
    if names.count(display_name("-")) > 1:
        raise InputError("stdin ('-') can be read only once")
    several = len(names) > 1
    fragments: list[tuple[str, dict[str, Any]]] = []
    details: list[str] = []
    warnings: list[str] = []
    failed: list[tuple[str, int]] = []
    for path, name in zip(paths, names, strict=True):
        doc = load_document(path, max_bytes=max_bytes)
        report = validate(doc, partial=several or not complete)
        prefix = f"{name}: " if several else ""
        details += [prefix + line for line in report.lines()]
        warnings += [prefix + warning for warning in report.warnings]
        if report.errors:
            failed.append((name, len(report.errors)))
        fragments.append((name, normalize(doc)))
    if failed:
        total = sum(n for _, n in failed)
        where = failed[0][0] if len(failed) == 1 else f"{len(failed)} facts documents"
        raise FactsValidationError(f"{where}: {_problems(total)}", details=details)
    merged = merge(fragments, prefer=prefer)
    if several:  # a single file was validated whole above; normalising keeps it valid
        derive_merged(merged)
        report = validate(merged, partial=not complete)
        if report.errors:
            message = f"the merged facts: {_problems(len(report.errors))}"
            raise FactsValidationError(message, details=report.lines())
    return Facts(merged, tuple(names), tuple(warnings))


def _problems(count: int) -> str:
    return f"{count} problem" if count == 1 else f"{count} problems"
