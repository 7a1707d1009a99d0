"""A fast "is this valid?" for mlgate's JSON Schemas, with jsonschema for the reasons.

``jsonschema`` (pure Python) takes milliseconds per facts document and its
import 75-150 ms of every command; ``jsonschema-rs`` (Rust, the same 2020-12
specification) answers in microseconds. mlgate asks it first and trusts only a
*valid* answer: an invalid document, or anything it cannot answer (a value
JSON has no type for, an import or compile failure), goes to ``jsonschema``,
which lists every problem with its JSON pointer as before. So the messages a
user reads never change, and a document that ``jsonschema-rs`` refuses is
never passed. ``tests/facts/test_fastschema.py`` checks that both agree on
valid and mutated documents.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from mlgate.resources import load_schema

Check = Callable[[Any], bool]


@functools.cache
def fast_check(schema_name: str) -> Check | None:
    """``is_valid`` for the named schema, or None when jsonschema-rs cannot be used."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - a core dependency; the slow path stays correct
        return None
    try:
        validator = jsonschema_rs.validator_for(load_schema(schema_name))
    except Exception:
        return None

    def check(instance: Any) -> bool:
        try:
            return bool(validator.is_valid(instance))
        except Exception:
            return False

    return check


def surely_valid(schema_name: str, instance: Any) -> bool:
    """True only when ``instance`` is valid for certain; False means: ask jsonschema."""
    check = fast_check(schema_name)
    return check is not None and check(instance)
