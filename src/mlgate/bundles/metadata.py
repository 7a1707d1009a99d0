"""Read Rego ``# METADATA`` blocks statically, with the file and line of each.

The embedded engine has no ``rego.metadata.rule()``, so mlgate reads the
annotations from the source the way OPA's parser does: a ``# METADATA`` comment
line opens a block, the comment lines right after it are YAML, and the block
belongs to the next statement (a ``package`` line or a rule head). Used by
reports (``explain``, SARIF, JUnit, HTML) and by ``bundle inspect/lint``.

A block that is not valid YAML, or not a mapping, is a ``BundleError`` with
``file:line`` (OPA refuses such a module too).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from mlgate.cache import read_entry, write_entry
from mlgate.errors import BundleError, InputError
from mlgate.facts.load import parse_yaml_text

_MARKER = re.compile(r"^\s*#\s*METADATA\s*$")
_PACKAGE = re.compile(r"^\s*package\s+([\w.]+)")
_RULE = re.compile(r"^\s*(?:default\s+)?([A-Za-z_]\w*)")
# "thresholds[tier].performance.minimum" in a description names a data path.
_THRESHOLD_REF = re.compile(r"thresholds\[tier\]((?:\.[A-Za-z_]\w*)+)")


@dataclass(frozen=True)
class RuleAnnotation:
    """One METADATA block: where it is, what it annotates, and what it says."""

    file: str
    line: int  # 1-based line of the annotated statement (rule head or package)
    metadata_line: int  # 1-based line of the ``# METADATA`` marker
    scope: Literal["package", "rule"]
    package: str
    rule: str  # "" for a package annotation
    title: str = ""
    description: str = ""
    custom: dict[str, Any] = field(default_factory=dict)
    related_resources: tuple[str, ...] = ()

    @property
    def control_id(self) -> str:
        value = self.custom.get("control_id")
        return value if isinstance(value, str) else ""

    @property
    def severity(self) -> str:
        value = self.custom.get("severity")
        return value if isinstance(value, str) else ""

    @property
    def requires(self) -> tuple[str, ...]:
        value = self.custom.get("requires")
        return tuple(str(v) for v in value) if isinstance(value, list) else ()

    @property
    def frameworks(self) -> dict[str, list[str]]:
        value = self.custom.get("frameworks")
        if not isinstance(value, dict):
            return {}
        return {str(k): [str(x) for x in v] for k, v in value.items() if isinstance(v, list)}

    @property
    def threshold_paths(self) -> tuple[str, ...]:
        """Threshold data paths under ``thresholds[tier]``: ``custom.thresholds``, or
        the ``thresholds[tier].a.b`` references in the description."""
        declared = self.custom.get("thresholds")
        if isinstance(declared, list):
            return tuple(str(p) for p in declared)
        return tuple(
            dict.fromkeys(m.group(1)[1:] for m in _THRESHOLD_REF.finditer(self.description))
        )


def read_annotations(modules: Mapping[str, str]) -> list[RuleAnnotation]:
    """Every METADATA block of ``modules`` (path → Rego source), in file and line order.

    Parsing the YAML blocks is most of a report's start-up, so the result is
    remembered in mlgate's cache under a hash of the module paths and texts
    (an entry that cannot be read is parsed again; a refused block is never
    cached).
    """
    name = _cache_name(modules)
    cached = _from_cache(read_entry(name))
    if cached is not None:
        return cached
    out: list[RuleAnnotation] = []
    for path in sorted(modules):
        out.extend(_annotations_of(path, modules[path]))
    write_entry(name, [asdict(a) for a in out])
    return out


_CACHE_VERSION = "1"


def _cache_name(modules: Mapping[str, str]) -> str:
    h = hashlib.sha256(_CACHE_VERSION.encode())
    for path in sorted(modules):
        h.update(b"\0" + path.encode() + b"\0" + modules[path].encode())
    return f"annotations-{h.hexdigest()}.json"


def _from_cache(raw: Any) -> list[RuleAnnotation] | None:
    if not isinstance(raw, list):
        return None
    try:
        out = [
            RuleAnnotation(**{**item, "related_resources": tuple(item["related_resources"])})
            for item in raw
        ]
    except (TypeError, KeyError):
        return None
    fields = ("file", "package", "rule", "title", "description")
    ok = all(
        isinstance(a.line, int)
        and a.scope in ("package", "rule")
        and all(isinstance(getattr(a, f), str) for f in fields)
        and isinstance(a.custom, dict)
        for a in out
    )
    return out if ok else None


def _annotations_of(path: str, text: str) -> list[RuleAnnotation]:
    lines = text.splitlines()
    package = ""
    found: list[RuleAnnotation] = []
    i = 0
    while i < len(lines):
        match = _PACKAGE.match(lines[i])
        if match:
            package = match.group(1)
        if not _MARKER.match(lines[i]):
            i += 1
            continue
        start = i
        body: list[str] = []
        i += 1
        while i < len(lines) and lines[i].lstrip().startswith("#"):
            body.append(_uncomment(lines[i]))
            i += 1
        while i < len(lines) and not lines[i].strip():
            i += 1
        target = lines[i] if i < len(lines) else ""
        parsed = _parse(body, path, start + 2)
        pkg = _PACKAGE.match(target)
        rule = _RULE.match(target)
        if pkg:
            package = pkg.group(1)
        if not (pkg or rule):
            raise BundleError(f"{path}:{start + 1}: METADATA block is not followed by a rule")
        found.append(
            _annotation(parsed, path, i + 1, start + 1, package, rule.group(1) if rule else "", pkg)
        )
    return found


def _annotation(
    parsed: dict[str, Any],
    path: str,
    line: int,
    marker: int,
    package: str,
    rule: str,
    pkg: re.Match[str] | None,
) -> RuleAnnotation:
    custom = parsed.get("custom")
    resources = parsed.get("related_resources")
    refs = tuple(
        str(r.get("ref") if isinstance(r, dict) else r)
        for r in (resources if isinstance(resources, list) else [])
        if (isinstance(r, dict) and r.get("ref")) or isinstance(r, str)
    )
    return RuleAnnotation(
        file=path,
        line=line,
        metadata_line=marker,
        scope="package" if pkg else "rule",
        package=package,
        rule="" if pkg else rule,
        title=_text(parsed.get("title")),
        description=_text(parsed.get("description")),
        custom=dict(custom) if isinstance(custom, dict) else {},
        related_resources=refs,
    )


def _uncomment(line: str) -> str:
    body = line.lstrip()[1:]
    return body[1:] if body.startswith(" ") else body


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _parse(body: list[str], path: str, first_line: int) -> dict[str, Any]:

    name = f"{path} (METADATA at line {first_line - 1})"
    try:
        parsed = parse_yaml_text("\n".join(body) + "\n", name) if body else {}
    except InputError as exc:
        raise BundleError(exc.message) from None
    if parsed is None:
        return {}
    if not isinstance(parsed, dict):
        raise BundleError(f"{path}:{first_line - 1}: METADATA must be a YAML mapping")
    return parsed
