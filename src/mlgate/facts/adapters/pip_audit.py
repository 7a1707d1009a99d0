"""``pip-audit:FILE``: the JSON report of ``pip-audit -f json`` → ``security``.

Each vulnerability becomes ``{id, aliases, severity, package, version,
fix_versions}``. pip-audit's JSON states no severity, so severity is
``unknown`` (never guessed ``low``); use an OSV or CycloneDX report for CVSS.
A clean report gives ``vulnerabilities: []`` (evidence of a clean scan, not an
absence). The report also becomes one ``security.scans`` entry. pip-audit records no
scan time, so the scan's ``completed_at`` stays absent (with a warning).
Dependencies pip-audit skipped are counted and named in a warning.
"""

from __future__ import annotations

from typing import Any

from mlgate.facts.adapters.base import (
    AdapterBase,
    FactsFragment,
    fail,
)

KIND = "pip-audit"


class Adapter(AdapterBase):
    kind = KIND

    def collect(self, location: str) -> FactsFragment:
        read = self.read(location, what="a pip-audit JSON report")
        return from_report(read.document, location, read.source)


def from_report(report: dict[str, Any], location: str, source: dict[str, Any]) -> FactsFragment:
    dependencies = report.get("dependencies")
    if not isinstance(dependencies, list):
        raise fail(KIND, location, f"not a pip-audit JSON report{_looks_like(report)}")
    vulnerabilities: list[dict[str, Any]] = []
    skipped: list[str] = []
    for i, dep in enumerate(dependencies):
        if not isinstance(dep, dict) or not isinstance(dep.get("name"), str) or not dep["name"]:
            raise fail(KIND, location, f"/dependencies/{i}: a dependency needs a name")
        if "skip_reason" in dep:
            skipped.append(dep["name"])
            continue
        vulnerabilities += _vulns(dep, i, location, source)
    if dependencies and len(skipped) == len(dependencies):
        raise fail(KIND, location, "every dependency was skipped: the scan audited nothing")
    scan = {"tool": KIND, "dependencies": len(dependencies) - len(skipped)}
    if skipped:
        scan["skipped"] = len(skipped)
    warnings = ["the report records no scan time: the scan's completed_at is absent"]
    if skipped:
        shown = ", ".join(skipped[:5]) + (" …" if len(skipped) > 5 else "")
        warnings.append(f"{len(skipped)} dependencies were not audited: {shown}")
    # an empty list is evidence too: the scan ran and found nothing
    security = {"scans": [{**scan, "source": source}], "vulnerabilities": vulnerabilities}
    return FactsFragment(KIND, location, {"security": security}, tuple(warnings))


def _vulns(
    dep: dict[str, Any], i: int, location: str, source: dict[str, Any]
) -> list[dict[str, Any]]:
    if "vulns" not in dep:  # pip-audit writes vulns (maybe []) or a skip_reason, never neither
        raise fail(KIND, location, f"/dependencies/{i}: no vulns list and no skip_reason")
    vulns = dep["vulns"]
    if not isinstance(vulns, list):
        raise fail(KIND, location, f"/dependencies/{i}/vulns is not a list")
    if "version" in dep and not isinstance(dep["version"], str):
        raise fail(KIND, location, f"/dependencies/{i}/version is not text")
    out = []
    for j, vuln in enumerate(vulns):
        if not isinstance(vuln, dict) or not isinstance(vuln.get("id"), str) or not vuln["id"]:
            raise fail(KIND, location, f"/dependencies/{i}/vulns/{j}: a vulnerability needs an id")
        entry: dict[str, Any] = {"id": vuln["id"], "severity": "unknown", "package": dep["name"]}
        if isinstance(dep.get("version"), str):
            entry["version"] = dep["version"]
        aliases = vuln.get("aliases")
        if isinstance(aliases, list):
            entry["aliases"] = [a for a in aliases if isinstance(a, str)]
        fixes = vuln.get("fix_versions")
        if fixes is not None and not (
            isinstance(fixes, list) and all(isinstance(v, str) for v in fixes)
        ):
            raise fail(
                KIND, location, f"/dependencies/{i}/vulns/{j}/fix_versions is not a list of text"
            )
        if fixes is not None:
            entry["fix_versions"] = list(fixes)
        entry["source"] = source
        out.append(entry)
    return out


def _looks_like(doc: dict[str, Any]) -> str:
    if doc.get("bomFormat") == "CycloneDX":
        return " (this is a CycloneDX BOM: use cyclonedx:FILE)"
    if "results" in doc:
        return " (this looks like osv-scanner output: use osv:FILE)"
    return ": no 'dependencies' list"
