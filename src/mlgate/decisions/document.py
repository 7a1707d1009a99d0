"""Read a stored decision document (a file, a log record) back as a ``Decision``.

Refused with ``InputError``: anything that is not a decision document, one
written by a newer mlgate (a ``schema_version`` major above this one's), one
the decision schema rejects, one edited to ``pass`` while findings remain, and
one whose ``details`` (what reports draw) show a control failing, missing
evidence or awaiting approval that its findings do not name.
"""

from __future__ import annotations

import re
from typing import Any

from mlgate._jsonschema import jsonschema
from mlgate.decisions.model import SCHEMA_VERSION, Decision
from mlgate.errors import InputError
from mlgate.resources import load_schema

_VERSION = re.compile(r"^mlgate\.decision/v(\d+)$")


def _major(version: str) -> int | None:
    match = _VERSION.match(version)
    return int(match.group(1)) if match else None


def check_document(doc: Any, name: str) -> Decision:
    """A ``Decision`` for ``doc``, or ``InputError`` naming what is wrong."""
    if not isinstance(doc, dict):
        raise InputError(f"{name}: not a decision document (expected a JSON object)")
    if "schema_version" not in doc:
        raise InputError(f"{name}: not a decision document (no schema_version)")
    version = str(doc["schema_version"])
    major, ours = _major(version), _major(SCHEMA_VERSION) or 1
    if major is None:
        raise InputError(f"{name}: unknown decision schema_version {version!r}")
    if major > ours:
        raise InputError(
            f"{name}: written by a newer mlgate (schema_version {version}); this mlgate "
            f"reads {SCHEMA_VERSION}: upgrade mlgate to read it"
        )

    Draft202012Validator = jsonschema().Draft202012Validator

    validator = Draft202012Validator(load_schema("decision.schema.json"))
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    if errors:
        where = "/" + "/".join(str(p) for p in errors[0].absolute_path)
        raise InputError(f"{name}: not a valid decision document at {where}: {errors[0].message}")
    findings = [k for k in ("violations", "missing_evidence", "required_approvals") if doc.get(k)]
    if doc.get("outcome") == "pass" and findings:  # edited: a report must not show it passing
        raise InputError(f"{name}: inconsistent decision: outcome pass with {', '.join(findings)}")
    problem = _details_problem(doc)
    if problem:
        raise InputError(f"{name}: inconsistent decision: {problem}")
    return Decision(doc)


# A control's status in ``details`` and the finding of the decision that must back it.
_BACKED_BY = {
    "fail": ("violations", "control"),
    "missing_evidence": ("missing_evidence", "control"),
    "approval_required": ("required_approvals", "controls"),
}


def _details_problem(doc: dict[str, Any]) -> str | None:
    """What in ``details`` (what reports draw) contradicts the decision's findings, or None."""
    details = doc.get("details")
    if details is None:
        return None
    controls = details.get("controls")
    if not isinstance(controls, list) or not all(isinstance(c, dict) for c in controls):
        return "details has no list of controls"
    for control in controls:
        backing = _BACKED_BY.get(str(control.get("status")))
        if backing is None:
            continue
        key, field = backing
        named: set[Any] = set()
        for item in doc.get(key) or []:
            value = item.get(field) if isinstance(item, dict) else None
            named.update(value if isinstance(value, list) else [value])
        if control.get("id") not in named:
            return (
                f"details show control {control.get('id')} as {control['status']}, "
                f"but the decision's {key} do not name it"
            )
    return None
