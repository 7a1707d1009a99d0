"""``mlgate bundle lint``: the checks that matter for a release-gate bundle.

Errors: a module that does not parse (file:line); a rule that can deny
(``violation``, ``missing_evidence``, ``required_approvals``, ``deny``)
without a METADATA block naming its ``control_id`` and a known ``severity``;
a threshold a rule's METADATA names (``custom.thresholds``) that some risk
tier does not define; a rule that reads the wall clock (``time.now_ns``)
instead of ``input.context.evaluated_at``; no ``data.mlgate.decision`` entry
point; a ``violation``/``missing_evidence``/``required_approvals``/``deny`` rule
that no decision reads (``bundles.composition``); a builtin the embedded engine
does not implement; a plain scalar in a
``data.yaml`` (``.yml``) that YAML 1.1 and 1.2 read differently (``no``, ``on``, ``0755``:
see ``bundles.yaml_versions``), when the raw files are given. Warnings: a builtin
the embedded engine answers differently from OPA (unless the manifest
accepts it), a denying rule whose body never names its control id, a
``data.yaml`` two or more directories deep whose top level is not a mapping
(OPA's bundle service cannot activate it).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import yaml

from mlgate.authoring.composition import entry_points, unread_rules
from mlgate.authoring.findings import Finding, error, located, warning
from mlgate.authoring.yaml_versions import ambiguous_scalars
from mlgate.bundles.entry import require_entry_point
from mlgate.bundles.metadata import read_annotations
from mlgate.bundles.thresholds import thresholds_root, tiers_at
from mlgate.engine import _regorus
from mlgate.engine.builtins import scan_calls
from mlgate.engine.embedded import accepted_deviations
from mlgate.engine.syntax import syntax_errors
from mlgate.errors import BundleError, MlgateError

if TYPE_CHECKING:
    from mlgate.bundles.metadata import RuleAnnotation
    from mlgate.bundles.model import Bundle

DENYING = ("violation", "missing_evidence", "required_approvals", "deny")
SEVERITIES = frozenset({"critical", "high", "medium", "low"})
_DENYING_HEAD = re.compile(rf"^({'|'.join(DENYING)})\b\s*(contains\b|\[|:=|=|if\b|\{{)")
_WALL_CLOCK = re.compile(r"\btime\.now_ns\s*\(")


def lint(bundle: Bundle, files: Mapping[str, bytes] | None = None) -> list[Finding]:
    """Every finding, sorted by file and line; ``files`` are the bundle's raw files."""

    modules = {**bundle.modules, **bundle.test_modules}
    findings = [located("error", "syntax", line) for line in syntax_errors(modules)]
    try:
        annotations = read_annotations(bundle.modules)
    except BundleError as exc:
        findings.append(located("error", "metadata", exc.message))
        annotations = []
    findings += _denying_rules(bundle, annotations)
    findings += _thresholds(bundle, annotations)
    findings += _wall_clock(bundle)
    findings += _entry_point(bundle)
    findings += _unread(bundle)
    if not any(f.code == "syntax" for f in findings):
        findings += _builtins(bundle)
    findings += _yaml_versions(files or {})
    findings += _unactivatable_data(files or {})
    return sorted(findings, key=lambda f: (f.file, f.line, f.code))


def _yaml_versions(files: Mapping[str, bytes]) -> list[Finding]:

    return [
        error("yaml-version", found.message(), path, found.line)
        for path, content in sorted(files.items())
        if path.rsplit("/", 1)[-1] in ("data.yaml", "data.yml")
        for found in ambiguous_scalars(content.decode("utf-8"))
    ]


def _unactivatable_data(files: Mapping[str, bytes]) -> list[Finding]:
    """OPA's bundle service (a polled bundle, read in its lazy mode) fails to activate
    a ``data.yaml`` whose top level is not a mapping two or more directories deep
    ("json: error calling MarshalJSON … invalid character '#'", OPA 1.9 and 1.22),
    unless the text is also JSON; ``opa run --bundle`` and mlgate load it."""
    found = []
    for path, content in sorted(files.items()):
        if path.rsplit("/", 1)[-1] not in ("data.yaml", "data.yml") or path.count("/") < 2:
            continue
        try:
            json.loads(content)
            continue  # JSON text: OPA reads it either way
        except ValueError:
            pass
        try:
            value = yaml.safe_load(content)
        except yaml.YAMLError:
            continue  # not YAML at all: reported where the bundle is loaded
        if not isinstance(value, dict):
            found.append(
                warning(
                    "opa-download",
                    f"the top level is {type(value).__name__ if value is not None else 'null'}, "
                    "not a mapping: OPA's bundle service cannot activate it this deep; "
                    "write it as data.json, or move it up a directory under a key",
                    path,
                    1,
                )
            )
    return found


def _denying_rules(bundle: Bundle, annotations: list[RuleAnnotation]) -> list[Finding]:
    by_place = {(a.file, a.line): a for a in annotations if a.scope == "rule"}
    out: list[Finding] = []
    for path, text in sorted(bundle.modules.items()):
        lines = text.splitlines()
        for number, line in enumerate(lines, start=1):
            head = _DENYING_HEAD.match(line)
            if head:
                out += _denying_rule(
                    head.group(1), by_place.get((path, number)), lines, path, number
                )
    return out


def _denying_rule(
    rule: str, a: RuleAnnotation | None, lines: list[str], path: str, number: int
) -> list[Finding]:
    if a is None:
        why = f"{rule} has no METADATA block with custom.control_id and severity"
        return [error("metadata-missing", why, path, number)]
    out = []
    if not a.control_id:
        out.append(error("control-id", f"{rule}: METADATA has no custom.control_id", path, number))
    if a.severity not in SEVERITIES:
        known = ", ".join(sorted(SEVERITIES))
        why = f"{rule}: severity {a.severity or 'none'!r} is not one of {known}"
        out.append(error("severity", why, path, number))
    end = next((i for i in range(number - 1, len(lines)) if lines[i].rstrip() == "}"), number - 1)
    if a.control_id and a.control_id not in "\n".join(lines[number - 1 : end + 1]):
        why = f"{rule} never reports its control {a.control_id}"
        out.append(warning("control-id-unused", why, path, number))
    return out


def _thresholds(bundle: Bundle, annotations: list[RuleAnnotation]) -> list[Finding]:
    out: list[Finding] = []
    for a in annotations:
        who = a.control_id or a.rule
        root = thresholds_root(bundle, a.package)
        tiers = tiers_at(bundle, root)
        for path in a.threshold_paths:
            if not tiers:
                where = ".".join(("data", *root))
                why = f"{who} names threshold {path} but the bundle has no {where}"
                out.append(error("threshold-missing", why, a.file, a.line))
            for tier, values in tiers.items():
                if not _has_path(values, path.split(".")):
                    why = f"{who}: thresholds[{tier}].{path} is not defined"
                    out.append(error("threshold-missing", why, a.file, a.line))
    return out


def _has_path(node: Any, parts: list[str]) -> bool:
    for part in parts:
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def _wall_clock(bundle: Bundle) -> list[Finding]:
    why = "time.now_ns() reads the wall clock; use input.context.evaluated_at so decisions replay"
    return [
        error("wall-clock", why, path, number)
        for path, text in sorted(bundle.modules.items())
        for number, line in enumerate(text.splitlines(), start=1)
        if _WALL_CLOCK.search(line.split("#", 1)[0])
    ]


def _entry_point(bundle: Bundle) -> list[Finding]:

    try:
        require_entry_point(bundle)
    except BundleError:
        return [
            error("entry-point", "no data.mlgate.decision: define `decision` in `package mlgate`")
        ]
    return []


def _unread(bundle: Bundle) -> list[Finding]:
    """A rule that can deny which no decision reads is a control that never fails a check."""
    entries = ", ".join(entry_points(bundle.modules))
    return [
        error(
            "unread-control",
            f"{u.package}.{u.rule} is read by no decision ({entries}): what it reports "
            "never fails a check; put the package directly under mlgate.controls "
            "(release) or mlgate.monitoring.controls (monitoring), or read it in the decision",
            u.file,
            u.line,
        )
        for u in unread_rules(bundle.modules)
    ]


def _builtins(bundle: Bundle) -> list[Finding]:

    try:
        engine = _regorus.new_engine({**bundle.modules, **bundle.test_modules}, "{}")
        scan = scan_calls(_regorus.ast_json(engine))
    except MlgateError as exc:
        return [located("error", "load", exc.message)]
    for name in accepted_deviations(bundle):
        scan.deviations.pop(name, None)
    return [located("error", "unsupported-builtin", line) for line in scan.refused] + [
        located("warning", "engine-deviation", line) for line in scan.warnings
    ]
