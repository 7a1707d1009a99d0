"""``osv:FILE``: OSV vulnerability data → ``security``.

Accepted shapes: ``osv-scanner --format json`` output (``results[].packages[]``
with the scanned package and version), an OSV API response (``{"vulns": […]}``),
a single OSV record, or a list of records. A bare record does not say which
version was scanned, so ``version`` is then absent.

Severity, most specific first: osv-scanner's ``groups[].max_severity`` (a CVSS
base score); the record's ``severity[]`` CVSS v3/v2 vectors, scored here; a
stated word in ``database_specific`` / ``ecosystem_specific`` (GitHub's
``MODERATE`` → ``medium``); otherwise ``unknown``, never a guessed ``low``.
"""

from __future__ import annotations

from typing import Any

from mlgate.facts.adapters import _cvss
from mlgate.facts.adapters.base import (
    AdapterBase,
    FactsFragment,
    fail,
)

KIND = "osv"


class Adapter(AdapterBase):
    kind = KIND

    def collect(self, location: str) -> FactsFragment:
        read = self.read(location)
        source = read.source
        vulnerabilities = [
            {**v, "source": source} for v in _vulnerabilities(read.document, location)
        ]
        # an empty list is evidence too: the scan ran and found nothing
        security = {"scans": [{"tool": KIND, "source": source}], "vulnerabilities": vulnerabilities}
        warnings = ("the report records no scan time: the scan's completed_at is absent",)
        return FactsFragment(KIND, location, {"security": security}, warnings)


def _vulnerabilities(doc: Any, location: str) -> list[dict[str, Any]]:
    if isinstance(doc, dict) and isinstance(doc.get("results"), list):
        return _scanner_output(doc["results"], location)
    if isinstance(doc, dict) and isinstance(doc.get("vulns"), list):
        records = doc["vulns"]
    elif isinstance(doc, dict) and isinstance(doc.get("id"), str) and "modified" in doc:
        records = [doc]
    elif isinstance(doc, list) and doc and all(isinstance(r, dict) and "id" in r for r in doc):
        records = doc
    elif doc in ({}, []):  # the OSV API's "nothing known" for ONE package: no project scan
        raise fail(
            KIND,
            location,
            f"{json_text(doc)} holds no scan; give osv-scanner's output "
            '({"results": []} when it finds nothing) or OSV records',
        )
    else:
        hint = " (a CycloneDX BOM: use cyclonedx:FILE)" if _is_bom(doc) else ""
        if isinstance(doc, dict) and "dependencies" in doc:
            hint = " (a pip-audit report: use pip-audit:FILE)"
        raise fail(KIND, location, f"not OSV JSON or osv-scanner output{hint}")
    out = []
    for i, record in enumerate(records):
        _check_record(record, f"/vulns/{i}", location)
        packages = _affected_packages(record)
        if not packages:
            raise fail(KIND, location, f"/vulns/{i}: {record['id']} names no affected package")
        out += [_entry(record, package, None, None) for package in packages]
    return out


def _scanner_output(results: list[Any], location: str) -> list[dict[str, Any]]:
    out = []
    for r, result in enumerate(results):
        packages = result.get("packages") if isinstance(result, dict) else None
        if not isinstance(packages, list):
            raise fail(KIND, location, f"/results/{r}/packages is missing or not a list")
        for p, item in enumerate(packages):
            where = f"/results/{r}/packages/{p}"
            package = item.get("package") if isinstance(item, dict) else None
            if not isinstance(package, dict) or not isinstance(package.get("name"), str):
                raise fail(KIND, location, f"{where}: no package name")
            scores = _group_scores(item.get("groups"))
            found = item.get("vulnerabilities")
            if not isinstance(found, list):  # osv-scanner lists a package for its vulnerabilities
                raise fail(KIND, location, f"{where}/vulnerabilities is missing or not a list")
            for v, record in enumerate(found):
                _check_record(record, f"{where}/vulnerabilities/{v}", location)
                version = package.get("version")
                version = version if isinstance(version, str) else None
                out.append(_entry(record, package["name"], version, scores.get(record["id"])))
    return out


def _entry(
    record: dict[str, Any], package: str, version: str | None, group_score: str | None
) -> dict[str, Any]:
    severity = _cvss.from_text(group_score) if group_score else None
    entry: dict[str, Any] = {
        "id": record["id"],
        "severity": severity or _record_severity(record, package),
        "package": package,
    }
    if version is not None:
        entry["version"] = version
    aliases = record.get("aliases")
    if isinstance(aliases, list):
        entry["aliases"] = [a for a in aliases if isinstance(a, str)]
    fixes = _fix_versions(record, package)
    if fixes:
        entry["fix_versions"] = fixes
    return entry


def _record_severity(record: dict[str, Any], package: str) -> str:
    found: list[str] = []
    for item in _list(record.get("severity")):
        score = item.get("score") if isinstance(item, dict) else None
        if isinstance(score, str) and (severity := _cvss.from_text(score)):
            found.append(severity)
    if found:
        return _cvss.worst(found)
    stated = [record.get("database_specific")]
    stated += [a.get("ecosystem_specific") for a in _affected(record, package)]
    stated += [a.get("database_specific") for a in _affected(record, package)]
    for block in stated:
        word = block.get("severity") if isinstance(block, dict) else None
        if isinstance(word, str) and (severity := _cvss.from_word(word)):
            found.append(severity)
    return _cvss.worst(found)


def _fix_versions(record: dict[str, Any], package: str) -> list[str]:
    fixes: list[str] = []
    for affected in _affected(record, package):
        for rng in _list(affected.get("ranges")):
            for event in _list(rng.get("events") if isinstance(rng, dict) else None):
                fixed = event.get("fixed") if isinstance(event, dict) else None
                if isinstance(fixed, str) and fixed not in fixes:
                    fixes.append(fixed)
    return fixes


def _affected(record: dict[str, Any], package: str | None) -> list[dict[str, Any]]:
    items = [a for a in _list(record.get("affected")) if isinstance(a, dict)]
    named = [a for a in items if _package_name(a) == package]
    return named or [a for a in items if _package_name(a) is None]


def _affected_packages(record: dict[str, Any]) -> list[str]:
    names = [n for a in _list(record.get("affected")) if (n := _package_name(a))]
    return list(dict.fromkeys(names))


def _package_name(affected: Any) -> str | None:
    package = affected.get("package") if isinstance(affected, dict) else None
    name = package.get("name") if isinstance(package, dict) else None
    return name if isinstance(name, str) and name else None


def _group_scores(groups: Any) -> dict[str, str]:
    scores: dict[str, str] = {}
    for group in _list(groups):
        score = group.get("max_severity") if isinstance(group, dict) else None
        if isinstance(score, str) and score:
            scores.update({i: score for i in _list(group.get("ids")) if isinstance(i, str)})
    return scores


def _check_record(record: Any, where: str, location: str) -> None:
    if not isinstance(record, dict) or not isinstance(record.get("id"), str) or not record["id"]:
        raise fail(KIND, location, f"{where}: an OSV record needs an id")


def json_text(doc: Any) -> str:
    return "{}" if isinstance(doc, dict) else "[]"


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _is_bom(doc: Any) -> bool:
    return isinstance(doc, dict) and doc.get("bomFormat") == "CycloneDX"
