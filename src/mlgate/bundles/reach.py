"""Which packages of a bundle an entry point can reach, read statically.

A bundle may hold several decisions (the release decision ``data.mlgate.decision``
and the monitoring decision ``data.mlgate.monitoring.decision`` in the shipped
one). A report about one decision lists the controls of the packages that
decision can reach: the entry point's package, and every package its modules
name through ``import data.…`` or a ``data.…`` reference, transitively.
A reference reaches every package under it (``data.mlgate.controls``, a walk
over every family, reaches all of them) and the package that defines the rule
it names (``data.mlgate.controls.fairness.violation`` reaches
``mlgate.controls.fairness``); a reference into a data document
(``data.mlgate.thresholds``) reaches no package.
Test modules (``*_test.rego``) are not part of any decision.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

PACKAGE = re.compile(r"^\s*package\s+([\w.]+)", re.MULTILINE)
_DATA_REF = re.compile(r"\bdata((?:\.[A-Za-z_]\w*)+)")
_COMMENT = re.compile(r"#.*$", re.MULTILINE)
# A rule head starts a line (the style of every module ``opa fmt`` writes).
_RULE_HEAD = re.compile(r"^(?:default\s+)?([A-Za-z_]\w*)", re.MULTILINE)
_KEYWORDS = {"package", "import"}


def package_of(text: str) -> str | None:
    """The package a Rego module declares, or None."""
    match = PACKAGE.search(text)
    return match.group(1) if match else None


def entry_package(entry_point: str) -> str:
    """``data.mlgate.monitoring.decision`` -> ``mlgate.monitoring``."""
    path = entry_point.removeprefix("data.").split(".")
    return ".".join(path[:-1])


def _reached_by(ref: str, rules_of: Mapping[str, set[str]]) -> set[str]:
    under = {p for p in rules_of if p == ref or p.startswith(ref + ".")}
    for package, rules in rules_of.items():
        if ref.startswith(package + ".") and ref[len(package) + 1 :].split(".")[0] in rules:
            under.add(package)
    return under


def reachable_packages(modules: Mapping[str, str], entry_point: str) -> set[str]:
    """The packages ``entry_point`` can reach, its own included."""
    refs_of: dict[str, set[str]] = {}
    rules_of: dict[str, set[str]] = {}
    for name, text in modules.items():
        if name.endswith("_test.rego"):
            continue
        package = package_of(text)
        if package is None:
            continue
        code = _COMMENT.sub("", text)
        refs_of.setdefault(package, set()).update(m.group(1)[1:] for m in _DATA_REF.finditer(code))
        heads = {m.group(1) for m in _RULE_HEAD.finditer(code)} - _KEYWORDS
        rules_of.setdefault(package, set()).update(heads)
    start = entry_package(entry_point)
    reached = {start}
    todo = [start]
    while todo:
        for ref in refs_of.get(todo.pop(), ()):
            for other in _reached_by(ref, rules_of) - reached:
                reached.add(other)
                todo.append(other)
    return reached
