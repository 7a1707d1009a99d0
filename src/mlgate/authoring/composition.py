"""Rules that can deny but that no decision reads: the fail-open gap of composition.

A control package reports through ``violation``, ``missing_evidence``,
``required_approvals`` or ``deny``. Only what an entry point (``data.mlgate.decision``,
or a rule whose METADATA says ``entrypoint: true``) reads decides anything: a
package the decision never reads (``package mlgate.control.license``, one level too
deep such as ``mlgate.controls.vendor.license``, or a rule the decision does not
collect) passes every check it was written to fail. This module finds them,
statically, as ``bundles.reach`` does: a rule is read when a module the entry points
reach names it (``data.mlgate.controls.fairness.violation``, an import alias
``fairness.violation``, a walk ``data.mlgate.controls[_].violation``) or names a
document above it (``data.mlgate.controls.fairness``, ``data.mlgate.controls[_]``).
Test modules (``*_test.rego``) read nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from mlgate.bundles.reach import entry_package, package_of, reachable_packages

DECISION = "data.mlgate.decision"
RULES = ("violation", "missing_evidence", "required_approvals", "deny")
_HEAD = re.compile(rf"^(?:default\s+)?({'|'.join(RULES)})\b\s*(?:contains\b|\[|:=|=|if\b|\{{)")
_COMMENT = re.compile(r"#.*$", re.MULTILINE)
_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"|`[^`]*`')
_SEGMENTS = r"((?:\s*\.\s*[A-Za-z_]\w*|\s*\[[^\[\]\n]*\])*)"
_DATA_REF = re.compile(r"(?<![\w.])data" + _SEGMENTS)
_IMPORT = re.compile(r"^\s*import\s+data((?:\.[A-Za-z_]\w*)+)(?:\s+as\s+([A-Za-z_]\w*))?", re.M)
_SEGMENT = re.compile(r"\.\s*([A-Za-z_]\w*)|\[\s*([^\[\]]*?)\s*\]")
_ENTRY = re.compile(r"^#\s*entrypoint:\s*true\s*$")
_RULE_NAME = re.compile(r"^(?:default\s+)?([A-Za-z_]\w*)")
ANY = "*"


@dataclass(frozen=True)
class Unread:
    """A rule that can deny, defined at ``file:line``, that no entry point reads."""

    file: str
    line: int
    package: str
    rule: str


def entry_points(modules: Mapping[str, str]) -> list[str]:
    """``data.mlgate.decision`` and every rule annotated ``entrypoint: true``."""
    found = {DECISION}
    for name, text in modules.items():
        package = package_of(text)
        if package is None or name.endswith("_test.rego"):
            continue
        flagged = False
        for line in text.splitlines():
            stripped = line.strip()
            if stripped.startswith("#"):
                flagged = flagged or bool(_ENTRY.match(stripped))
                continue
            head = _RULE_NAME.match(line)
            if flagged and head:
                found.add(f"data.{package}.{head.group(1)}")
            flagged = False if stripped else flagged
    return sorted(found)


def unread_rules(modules: Mapping[str, str]) -> list[Unread]:
    """Every ``violation``/``missing_evidence``/``required_approvals``/``deny`` rule of a
    non-test module that no entry point of the bundle reads, in file order."""
    policy = {n: t for n, t in modules.items() if not n.endswith("_test.rego")}
    entries = entry_points(policy)
    reached: set[str] = set()
    for entry in entries:
        reached |= reachable_packages(policy, entry)
    deciding = {entry_package(e) for e in entries}
    patterns = [
        pattern
        for text in policy.values()
        if package_of(text) in reached
        for pattern in _read_patterns(text)
    ]
    out = []
    for name, text in sorted(policy.items()):
        package = package_of(text)
        if package is None:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            head = _HEAD.match(line)
            if not head:
                continue
            target = [*package.split("."), head.group(1)]
            own = package in deciding and _named_in_package(text, head.group(1), number)
            if not own and not any(_matches(p, target) for p in patterns):
                out.append(Unread(name, number, package, head.group(1)))
    return _first_per_rule(out)


def _first_per_rule(found: list[Unread]) -> list[Unread]:
    """One finding per package and rule: its first definition."""
    seen: set[tuple[str, str]] = set()
    out = []
    for u in found:
        if (u.package, u.rule) not in seen:
            seen.add((u.package, u.rule))
            out.append(u)
    return out


def _code(text: str) -> str:
    return _STRING.sub('""', _COMMENT.sub("", text))


def _read_patterns(text: str) -> list[list[str]]:
    """The data paths a module names: ``data.…`` references and import aliases, with
    ``ANY`` for a bracket that is not a string literal (``[_]``, ``[name]``)."""
    raw = _IMPORT.sub("", _COMMENT.sub("", text))  # an import alone reads nothing
    code = _code(text)
    out = [[*_segments(m.group(1))] for m in _DATA_REF.finditer(raw)]
    for m in _IMPORT.finditer(code):
        prefix = m.group(1)[1:].split(".")
        alias = m.group(2) or prefix[-1]
        use = re.compile(rf"(?<![\w.]){re.escape(alias)}\b" + _SEGMENTS)
        body = code[: m.start()] + code[m.end() :]
        out += [[*prefix, *_segments(u.group(1))] for u in use.finditer(body)]
    return [p for p in out if p]


def _segments(refs: str) -> list[str]:
    out = []
    for m in _SEGMENT.finditer(refs):
        if m.group(1):
            out.append(m.group(1))
            continue
        inner = m.group(2)
        literal = re.fullmatch(r'"([^"\\]*)"', inner)
        out.append(literal.group(1) if literal else ANY)
    return out


def _matches(pattern: list[str], target: list[str]) -> bool:
    """``pattern`` names ``target`` or a document above it."""
    if len(pattern) > len(target):
        pattern = pattern[: len(target)]
    return all(p in (ANY, t) for p, t in zip(pattern, target, strict=False))


def _named_in_package(text: str, rule: str, head_line: int) -> bool:
    """The rule is used by name by another rule of its package (an entry point's)."""
    lines = _code(text).splitlines()
    word = re.compile(rf"(?<![\w.]){rule}\b")
    return any(
        word.search(line) and not _HEAD.match(line)
        for number, line in enumerate(lines, start=1)
        if number != head_line
    )
