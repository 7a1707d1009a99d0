"""``mlgate bundle test --update``: rewrite the golden cases' ``expect`` after a
deliberate policy change, and show what changed.

Only a case that fails is rewritten, and only its ``expect``: the keys it already
checks, plus every other key whose value is no longer empty (a new violation or
missing evidence is written down, never hidden). A case whose facts are invalid
or that could not be decided is left alone (still a failure). In a YAML case the
``expect:`` block is replaced in place, so the facts, comments and layout above
it stay as they are; a JSON case is written back whole. The file is read back
and must hold the new ``expect`` and the same facts, else nothing is written.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from mlgate.authoring.testing import TestResult
from mlgate.errors import InputError
from mlgate.facts.load import load_document

KEYS = ("outcome", "violations", "missing_evidence", "required_approvals", "waivers_applied")


@dataclass(frozen=True)
class Rewritten:
    path: str
    diff: str  # a unified diff of the file


def update_cases(results: Iterable[TestResult]) -> list[Rewritten]:
    """Rewrite every failing case that has a decision; the diffs, in order."""
    out = []
    for result in results:
        if result.kind != "case" or result.passed or result.got is None or not result.path:
            continue
        out.append(_rewrite(Path(result.path), result.got))
    return out


def new_expect(old: dict[str, Any], got: dict[str, Any]) -> dict[str, Any]:
    """The keys ``old`` checks and every non-empty one, with the decision's values."""
    return {k: got[k] for k in KEYS if k in got and (k in old or got[k] not in ([], None))}


def _rewrite(path: Path, got: dict[str, Any]) -> Rewritten:
    before = path.read_text(encoding="utf-8")
    case = load_document(path)
    expect = new_expect(case.get("expect") or {}, got)
    if path.suffix == ".json":
        after = json.dumps({**case, "expect": expect}, indent=2, ensure_ascii=False) + "\n"
    else:
        after = _replace_block(before, expect, path)
    _check(path, after, case, expect)
    path.write_text(after, encoding="utf-8")
    diff = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"{path} (before)",
        tofile=f"{path} (after)",
    )
    return Rewritten(str(path), "".join(diff))


def _replace_block(text: str, expect: dict[str, Any], path: Path) -> str:
    """The YAML text with its top-level ``expect:`` block replaced."""
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.startswith("expect:")]
    if len(starts) != 1:
        raise InputError(f"{path}: no top-level `expect:` block to rewrite")
    start = starts[0]
    end = start + 1
    while end < len(lines) and (lines[end][:1] in (" ", "\t", "-", "\n", "#")):
        end += 1
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1  # blank lines and comments before the next key stay
    block = yaml.safe_dump({"expect": expect}, sort_keys=False, default_flow_style=False)
    return "".join([*lines[:start], block, *lines[end:]])


def _check(path: Path, text: str, case: dict[str, Any], expect: dict[str, Any]) -> None:
    reread = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    same = {k: v for k, v in reread.items() if k != "expect"} == {
        k: v for k, v in case.items() if k != "expect"
    }
    if not same or reread.get("expect") != expect:
        raise InputError(f"{path}: rewriting `expect` would change more than it; not written")
