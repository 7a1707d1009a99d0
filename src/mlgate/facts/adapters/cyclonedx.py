"""``cyclonedx:FILE``: a CycloneDX JSON BOM (1.5, 1.6, 1.7), including an ML-BOM.

The BOM is first validated against the official CycloneDX JSON schema shipped
in ``cyclonedx-python-lib`` (extra ``cyclonedx``); an invalid BOM is refused
with the first schema problem. Then:

* every component → ``security.sbom.components`` (name, version, type, purl,
  licenses);
* the model component (``type: machine-learning-model``; the BOM's subject if
  it is one) → ``subject`` name/version and, from its ``modelCard``, metrics
  (``quantitativeAnalysis.performanceMetrics``, marked ``reported_by_author``)
  and ``documentation.model_card`` (which sections the card has, license);
* ``vulnerabilities`` (a VDR/VEX) → ``security.vulnerabilities`` with the
  worst stated rating, and a ``security.scans`` entry timed by
  ``metadata.timestamp``.
"""

from __future__ import annotations

from typing import Any

from mlgate.facts.adapters import _cvss, _modelcard
from mlgate.facts.adapters.base import (
    AdapterBase,
    FactsFragment,
    decode,
    fail,
    prune,
    require,
)
from mlgate.facts.validate import pointer

KIND = "cyclonedx"
SPEC_VERSIONS = ("1.5", "1.6", "1.7")
ML_MODEL = "machine-learning-model"


class Adapter(AdapterBase):
    kind = KIND

    def collect(self, location: str) -> FactsFragment:
        read = self.read(location, what="a CycloneDX BOM")
        bom, source = read.document, read.source
        _check_format(bom, location)
        _validate(decode(KIND, location, read.data), bom["specVersion"], location)
        warnings: list[str] = []
        document = from_bom(bom, location, source, warnings)
        return FactsFragment(KIND, location, document, tuple(warnings))


def _check_format(bom: dict[str, Any], location: str) -> None:
    if bom.get("bomFormat") != "CycloneDX":
        hint = ""
        if "dependencies" in bom and "fixes" in bom:
            hint = " (this is pip-audit JSON: use pip-audit:FILE)"
        elif "results" in bom or "vulns" in bom:
            hint = " (this looks like OSV JSON: use osv:FILE)"
        raise fail(KIND, location, f'not a CycloneDX BOM: no "bomFormat": "CycloneDX"{hint}')
    version = bom.get("specVersion")
    if version not in SPEC_VERSIONS:
        raise fail(
            KIND, location, f"specVersion {version!r} is not supported ({', '.join(SPEC_VERSIONS)})"
        )


def _validate(text: str, spec_version: str, location: str) -> None:
    require(KIND, "cyclonedx", KIND)
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    version = SchemaVersion.from_version(spec_version)
    error = JsonStrictValidator(version).validate_str(text)
    if error is not None:
        detail = getattr(error, "data", None)
        where = pointer(list(getattr(detail, "absolute_path", []))) or "/"
        message = getattr(detail, "message", str(error))
        raise fail(KIND, location, f"invalid CycloneDX {spec_version}: {where}: {message}")


def from_bom(
    bom: dict[str, Any], location: str, source: dict[str, Any], warnings: list[str]
) -> dict[str, Any]:
    metadata = bom.get("metadata") or {}
    components = _all_components(bom)
    document: dict[str, Any] = {}
    sbom = {
        "format": "CycloneDX",
        "spec_version": bom["specVersion"],
        "serial_number": bom.get("serialNumber"),
        "components": [_component(c) for c in components],
        "source": source,
    }
    document["security"] = {"sbom": prune(sbom)}
    model = _model_component(metadata.get("component"), components, warnings)
    if model is not None:
        document.update(_modelcard.facts(model, location, source, warnings))
    if isinstance(bom.get("vulnerabilities"), list):
        refs = {str(c["bom-ref"]): c for c in components if c.get("bom-ref")}
        try:
            vulns = [v for item in bom["vulnerabilities"] for v in _vulns(item, refs, source)]
        except ValueError as exc:
            raise fail(KIND, location, str(exc)) from None
        scan = {"tool": _tool_name(metadata), "completed_at": metadata.get("timestamp")}
        document["security"]["scans"] = [prune({**scan, "source": source})]
        document["security"]["vulnerabilities"] = vulns  # [] is a clean result
    return document


def _all_components(bom: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    stack = list(reversed(bom.get("components") or []))
    while stack:
        component = stack.pop()
        out.append(component)
        stack.extend(reversed(component.get("components") or []))
    return out


def _component(component: dict[str, Any]) -> dict[str, Any]:
    return prune(
        {
            "name": component.get("name"),
            "version": component.get("version"),
            "type": component.get("type"),
            "purl": component.get("purl"),
            "licenses": _modelcard.licenses(component),
        }
    )


def _model_component(
    subject: Any, components: list[dict[str, Any]], warnings: list[str]
) -> dict[str, Any] | None:
    if isinstance(subject, dict) and subject.get("type") == ML_MODEL:
        return subject
    models = [c for c in components if c.get("type") == ML_MODEL]
    if len(models) > 1:
        names = ", ".join(str(m.get("name")) for m in models)
        warnings.append(f"several machine-learning-model components ({names}); using the first")
    return models[0] if models else None


def _vulns(
    item: dict[str, Any], refs: dict[str, dict[str, Any]], source: dict[str, Any]
) -> list[dict[str, Any]]:
    ratings = []
    for rating in item.get("ratings") or []:
        word, score = rating.get("severity"), rating.get("score")
        stated = _cvss.from_word(word) if isinstance(word, str) else None
        if stated is None and isinstance(score, int | float):
            stated = _cvss.from_score(float(score))
        ratings.append(stated or "unknown")
    severity = _cvss.worst(ratings)
    aliases = [r.get("id") for r in item.get("references") or [] if isinstance(r.get("id"), str)]
    affects = item.get("affects")
    if not isinstance(affects, list) or not affects:  # dropping it would hide the finding
        raise ValueError(f"vulnerability {item.get('id')!r} names no affected component")
    out = []
    for affect in affects:
        component = refs.get(affect.get("ref"), {})
        package = component.get("name") or affect.get("ref")
        entry = {"id": item.get("id"), "severity": severity, "package": package}
        entry |= {"version": component.get("version"), "aliases": aliases, "source": source}
        out.append(prune(entry))
    return out


def _tool_name(metadata: dict[str, Any]) -> str:
    tools = metadata.get("tools")
    found = tools.get("components") if isinstance(tools, dict) else tools
    for tool in found if isinstance(found, list) else []:
        if isinstance(tool, dict) and isinstance(tool.get("name"), str) and tool["name"]:
            return str(tool["name"])
    return KIND
