"""The controls of a bundle: METADATA annotations grouped by ``custom.control_id``.

Several rules may carry one control id (its ``violation`` and its
``missing_evidence`` rules); the first annotation that gives a field wins, and
frameworks, requirements and threshold paths are the union over all of them.
The package annotation gives the control family its title.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mlgate.bundles.metadata import RuleAnnotation, read_annotations
from mlgate.bundles.reach import reachable_packages


@dataclass(frozen=True)
class RuleRef:
    rule: str
    file: str
    line: int

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "file": self.file, "line": self.line}


@dataclass(frozen=True)
class ControlInfo:
    id: str
    title: str
    description: str
    severity: str
    package: str
    family_title: str
    rules: tuple[RuleRef, ...]
    requires: tuple[str, ...]
    frameworks: dict[str, list[str]]
    threshold_paths: tuple[str, ...]
    help_uri: str = ""

    @property
    def family(self) -> str:
        return self.package.rsplit(".", 1)[-1] if self.package else ""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "severity": self.severity,
            "family": self.family,
            "family_title": self.family_title,
            "package": self.package,
            "rules": [r.to_json() for r in self.rules],
            "requires": list(self.requires),
            "frameworks": self.frameworks,
            "threshold_paths": list(self.threshold_paths),
            **({"help_uri": self.help_uri} if self.help_uri else {}),
        }


def controls_of(annotations: list[RuleAnnotation]) -> list[ControlInfo]:
    """One ``ControlInfo`` per control id, in the order the ids first appear."""
    families = {a.package: a.title for a in annotations if a.scope == "package"}
    grouped: dict[str, list[RuleAnnotation]] = {}
    for a in annotations:
        if a.scope == "rule" and a.control_id:
            grouped.setdefault(a.control_id, []).append(a)
    return [_merge(cid, group, families) for cid, group in grouped.items()]


def bundle_controls(
    modules: Mapping[str, str], entry_point: str | None = None
) -> list[ControlInfo]:
    """The bundle's controls; with ``entry_point``, only those that decision reaches."""
    controls = controls_of(read_annotations(modules))
    if entry_point is None:
        return controls
    reached = reachable_packages(modules, entry_point)
    return [c for c in controls if c.package in reached]


def _first(group: list[RuleAnnotation], attr: str) -> str:
    for a in group:
        value = getattr(a, attr)
        if value:
            return str(value)
    return ""


def _merge(cid: str, group: list[RuleAnnotation], families: dict[str, str]) -> ControlInfo:
    frameworks: dict[str, list[str]] = {}
    for a in group:
        for name, refs in a.frameworks.items():
            known = frameworks.setdefault(name, [])
            known.extend(r for r in refs if r not in known)
    requires = tuple(dict.fromkeys(r for a in group for r in a.requires))
    thresholds = tuple(dict.fromkeys(p for a in group for p in a.threshold_paths))
    helps = [r for a in group for r in a.related_resources]
    help_uri = str(group[0].custom.get("help_uri") or (helps[0] if helps else ""))
    rules = tuple(dict.fromkeys(RuleRef(a.rule, a.file, a.line) for a in group))
    package = group[0].package
    return ControlInfo(
        id=cid,
        title=_first(group, "title") or cid,
        description=_first(group, "description"),
        severity=_first(group, "severity"),
        package=package,
        family_title=families.get(package, ""),
        rules=rules,
        requires=requires,
        frameworks=frameworks,
        threshold_paths=thresholds,
        help_uri=help_uri,
    )
