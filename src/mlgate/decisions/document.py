"""Read a stored decision document (a file, a log record) back as a ``Decision``.

Refused with ``InputError``: anything that is not a decision document, one
written by a newer mlgate (a ``schema_version`` major above this one's), one
the decision schema rejects, and one edited to ``pass`` while findings remain.
"""

from __future__ import annotations

import re
from typing import Any

from mlgate.decisions.model import SCHEMA_VERSION, Decision
from mlgate.errors import InputError

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
    from mlgate._jsonschema import jsonschema

    Draft202012Validator = jsonschema().Draft202012Validator

    from mlgate.resources import load_schema

    validator = Draft202012Validator(load_schema("decision.schema.json"))
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    if errors:
        where = "/" + "/".join(str(p) for p in errors[0].absolute_path)
        raise InputError(f"{name}: not a valid decision document at {where}: {errors[0].message}")
    findings = [k for k in ("violations", "missing_evidence", "required_approvals") if doc.get(k)]
    if doc.get("outcome") == "pass" and findings:  # edited: a report must not show it passing
        raise InputError(f"{name}: inconsistent decision: outcome pass with {', '.join(findings)}")
    return Decision(doc)
