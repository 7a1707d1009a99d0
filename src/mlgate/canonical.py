"""Canonical JSON and the digests computed over it.

Facts and decisions are hashed in Python, never in Rego (the engines disagree on
``json.marshal``). The canonical form is:

* object keys sorted by Unicode code point, no insignificant whitespace;
* UTF-8, non-ASCII characters written as themselves (``ensure_ascii=False``);
* numbers exactly as the JSON parser gave them: an integer stays ``1``, a float
  stays ``1.0`` (integral floats are *not* folded into integers), other floats
  use Python's shortest round-trip spelling (``0.1``, ``1e-07``);
* NaN and Infinity are refused: they are not JSON.

Object keys must be strings (every document mlgate loads satisfies this).
This is stable across Python versions; it is not RFC 8785 (JCS) number syntax.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

_MAX_SHOWN = 60
_CONTROL = re.compile("[\x00-\x1f\x7f]")


def json_copy(value: Any) -> Any:
    """A deep copy of a JSON value (dicts, lists, scalars): several times faster
    than ``copy.deepcopy``, which also handles cycles and objects JSON has not."""
    if isinstance(value, dict):
        return {k: json_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_copy(v) for v in value]
    return value


def canonical_json(obj: Any) -> bytes:
    """The canonical UTF-8 bytes of a JSON value; ``ValueError`` for NaN/Infinity."""
    try:
        text = json.dumps(
            obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
    except ValueError as exc:
        raise ValueError(f"canonical JSON cannot represent NaN or Infinity ({exc})") from exc
    return text.encode("utf-8")


def digest(obj: Any) -> str:
    """``sha256:<hex>`` of the canonical JSON of ``obj``."""
    return "sha256:" + hashlib.sha256(canonical_json(obj)).hexdigest()


def show(value: Any) -> str:
    """A short human rendering of a JSON value for messages: ``'0.9'``, ``0.9``, ``null``."""
    if isinstance(value, str):
        text = value if len(value) <= _MAX_SHOWN else value[: _MAX_SHOWN - 1] + "…"
        return "'" + _CONTROL.sub(lambda m: json.dumps(m.group())[1:-1], text) + "'"
    if isinstance(value, float) and value != value:
        return "NaN"
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"
