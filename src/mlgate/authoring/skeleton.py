"""``mlgate bundle skeleton``: a facts template for what a bundle needs.

The template holds every facts path a METADATA ``custom.requires`` of the
release decision (``data.mlgate.decision``: not the monitoring controls, which
``mlgate monitor`` fills from its series) names, shaped by the facts schema
(objects, one example item per list, required fields). Nothing unknown is
written as an answer: ``TODO`` stands for text and for a choice (an enum such
as a consent basis or a dataset role), ``null`` for a measurement ("not
measured": missing evidence until it is filled), and a yes/no or a count
(``passed``, ``performed``, ``findings``) is left out, absent, not ``false`` or
``0``, which the gate would read as a failed check or as none found. A document
that still holds ``TODO`` is refused by ``facts validate`` and ``check``.
Metrics and fairness entries are listed by the names the thresholds of the tier
(or of every tier) compare.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from mlgate.authoring.inspect import required_facts, thresholds_of
from mlgate.bundles.entry import DECISION_QUERY
from mlgate.errors import UsageError
from mlgate.facts.placeholder import PLACEHOLDER
from mlgate.resources import schema_path

if TYPE_CHECKING:
    from mlgate.bundles.model import Bundle

TODO = PLACEHOLDER
_TIMESTAMP = "2026-01-01T00:00:00Z"
_ABSENT = object()  # a value the template leaves out


def skeleton(bundle: Bundle, tier: str | None = None) -> tuple[dict[str, Any], list[str]]:
    """The template and its comment lines (which controls need each path).

    ``tier`` must be one the bundle's thresholds define (``UsageError`` otherwise)."""
    if tier is not None:
        known = sorted(thresholds_of(bundle))
        if tier not in known:
            raise UsageError(
                f"--tier {tier!r}: the bundle defines the tiers {', '.join(known) or '(none)'}"
            )

    schema = json.loads(schema_path("facts.schema.json").read_text("utf-8"))
    doc: dict[str, Any] = {"apiVersion": "mlgate/v1", "kind": "ModelFacts"}
    doc["subject"] = _value(schema, schema["properties"]["subject"])
    doc["subject"]["risk_tier"] = tier or TODO
    needs = required_facts(bundle, DECISION_QUERY)
    for pointer in needs:
        _ensure(doc, schema, [p for p in pointer.split("/") if p])
    names = _threshold_names(bundle, tier)
    if "metrics" in doc:
        doc["metrics"] = [
            {"name": n, "value": None, "dataset": TODO, "split": "test"} for n in names["metrics"]
        ] or doc["metrics"]
    if "fairness" in doc:
        doc["fairness"] = [
            {"metric": n, "sensitive_feature": TODO, "ratio": None, "difference": None}
            for n in names["fairness"]
        ] or doc["fairness"]
    security = doc.get("security")
    if isinstance(security, dict) and "vulnerabilities" in security:
        security["vulnerabilities"] = []  # what the scan found: none is a valid answer
    comments = [f"{p}: needed by {', '.join(c) or 'the bundle'}" for p, c in needs.items()]
    return doc, comments


def render(doc: dict[str, Any], comments: list[str], fmt: str, source: str) -> str:
    if fmt == "json":
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    import yaml

    head = [
        f"# Facts template for {source}: replace every TODO (a document that still holds",
        "# one is refused) and every null (a measurement not made is missing evidence);",
        "# state the yes/no answers and counts the template leaves out (absent until given).",
        "#",
    ]
    head += [f"#   {line}" for line in comments]
    body = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
    return "\n".join(head) + "\n" + body


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = str(node["$ref"]).rsplit("/", 1)[-1]
        node = schema["$defs"][name]
    return node


def _ensure(doc: dict[str, Any], schema: dict[str, Any], parts: list[str]) -> None:
    node: Any = doc
    spec = schema
    for part in parts:
        spec = _resolve(schema, spec)
        if isinstance(node, list):  # descend into the example item
            node, spec = node[0], _resolve(schema, spec.get("items", {}))
        child = _resolve(schema, spec.get("properties", {}).get(part, {}))
        if not isinstance(node, dict):
            return
        if part not in node:
            value = _value(schema, child)
            if value is _ABSENT:
                return
            node[part] = value
        node, spec = node[part], child


def _value(schema: dict[str, Any], spec: dict[str, Any]) -> Any:
    spec = _resolve(schema, spec)
    if "const" in spec:
        return spec["const"]
    if "enum" in spec:
        return TODO  # a choice nobody made yet is no answer
    kind = spec.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    if "object" in kinds:
        values = {
            name: _value(schema, spec["properties"].get(name, {}))
            for name in spec.get("required", [])
        }
        return {name: value for name, value in values.items() if value is not _ABSENT}
    if "array" in kinds:
        item = _resolve(schema, spec.get("items", {}))
        if item.get("type") == "object":
            return [_value(schema, item)]
        return [TODO] if "string" in str(item.get("type")) else []
    if "number" in kinds and "null" in kinds:
        return None  # a measurement not made: missing evidence
    if {"boolean", "integer", "number"} & set(kinds):
        return _ABSENT  # not false, not 0: absent until someone states it
    if "pattern" in spec and "T" in str(spec.get("description", "")):
        return _TIMESTAMP
    if "string" in kinds:
        return TODO  # also where null would mean something (no previous version)
    return None


def _threshold_names(bundle: Bundle, tier: str | None) -> dict[str, list[str]]:
    tiers = thresholds_of(bundle)
    chosen = [tiers[tier]] if tier in tiers else list(tiers.values())
    metrics: dict[str, None] = {}
    fairness: dict[str, None] = {}
    for t in chosen:
        if not isinstance(t, dict):
            continue
        for family, key, into in (
            ("performance", "minimum", metrics),
            ("performance", "maximum", metrics),
            ("calibration", "maximum", metrics),
            ("fairness", "minimum_ratio", fairness),
            ("fairness", "maximum_difference", fairness),
        ):
            section = t.get(family)
            values = section.get(key) if isinstance(section, dict) else None
            if isinstance(values, dict):
                into.update(dict.fromkeys(str(n) for n in values if n != "default"))
    return {"metrics": list(metrics), "fairness": list(fairness)}
