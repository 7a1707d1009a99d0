"""File digests for bundle signatures, computed the way OPA computes them.

OPA (``v1/bundle/hash.go``, ``verify.go``) hashes a *structured* file (basename
``data.json``, ``data.yaml``, ``.manifest``) not as bytes but as its parsed
value, walked in a normal form: ``{`` then each key in sorted order as a JSON
string, ``:`` and the value's form, separated by ``,``, then ``}``; arrays the
same with ``[``/``]``; scalars as Go's ``encoding/json`` writes them with HTML
escaping off. JSON numbers keep their literal text (OPA decodes with
``UseNumber``); a YAML file goes through YAML→JSON first, so its numbers are
spelled as Go spells a float64 or an int. Every other file (``.rego``,
``data.yml``) is hashed as bytes.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any, Protocol

from mlgate.bundles._yaml import parse_yaml
from mlgate.errors import BundleError

STRUCTURED = frozenset({"data.json", "data.yaml", ".manifest"})
ALGORITHMS = {"SHA-256": hashlib.sha256, "SHA-384": hashlib.sha384, "SHA-512": hashlib.sha512}


class _Sink(Protocol):
    def update(self, data: bytes, /) -> None: ...


class _Literal(str):
    """A JSON number exactly as written in the file (Go's ``json.Number``)."""


def is_structured(path: str) -> bool:
    return PurePosixPath(path).name in STRUCTURED


def file_hash(path: str, content: bytes, algorithm: str = "SHA-256") -> str:
    """The hex digest OPA puts in (and checks against) a signature for this file."""
    factory = ALGORITHMS.get(algorithm)
    if factory is None:
        raise BundleError(f"{path}: unsupported hash algorithm {algorithm!r} in the signature")
    h = factory()
    if not is_structured(path):
        h.update(content)
        return h.hexdigest()
    _walk(_parse(path, content), h, path)
    return h.hexdigest()


def _parse(path: str, content: bytes) -> Any:
    if path.endswith(".yaml"):
        return parse_yaml(content, path)
    try:
        return json.loads(
            content.decode("utf-8"),
            parse_float=_Literal,
            parse_int=_Literal,
            parse_constant=_refuse_constant,
        )
    except (ValueError, UnicodeDecodeError) as exc:
        raise BundleError(f"{path}: not valid JSON ({exc})") from None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _walk(value: Any, h: _Sink, path: str) -> None:
    if isinstance(value, dict):
        h.update(b"{")
        for i, key in enumerate(sorted(value)):
            if i:
                h.update(b",")
            h.update(go_string(_key(key, path)).encode("utf-8"))
            h.update(b":")
            _walk(value[key], h, path)
        h.update(b"}")
    elif isinstance(value, list):
        h.update(b"[")
        for i, item in enumerate(value):
            if i:
                h.update(b",")
            _walk(item, h, path)
        h.update(b"]")
    else:
        h.update(_scalar(value, path).encode("utf-8"))


def _key(key: Any, path: str) -> str:
    if isinstance(key, str):
        return key
    raise BundleError(f"{path}: data key {key!r} is not a string")


def _scalar(value: Any, path: str) -> str:
    if isinstance(value, _Literal):
        return str.__str__(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return go_float(value, path)
    if isinstance(value, str):
        return go_string(value)
    raise BundleError(f"{path}: {type(value).__name__} value cannot be signed as JSON")


def go_string(text: str) -> str:
    """A JSON string as Go's encoder writes it with ``SetEscapeHTML(false)``."""
    out = json.dumps(text, ensure_ascii=False)
    out = out.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    # Go writes an unpaired surrogate (invalid UTF-8) as U+FFFD
    return out.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def go_float(value: float, path: str = "") -> str:
    """A float64 as Go's ``encoding/json`` writes it (shortest digits, 'f' or 'e')."""
    if value != value or value in (float("inf"), float("-inf")):
        raise BundleError(f"{path}: {value} cannot be written as JSON")
    shortest = Decimal(repr(value)).normalize()
    magnitude = abs(value)
    if magnitude == 0 or 1e-6 <= magnitude < 1e21:
        return format(shortest, "f")
    sign, digits, exponent = shortest.as_tuple()
    assert isinstance(exponent, int)
    text = "".join(map(str, digits))
    mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
    exp10 = len(text) - 1 + exponent
    # Go: at least two exponent digits, then "e-07" is cleaned to "e-7"
    exp_text = f"{'-' if exp10 < 0 else '+'}{abs(exp10):02d}"
    if exp_text.startswith("-0"):
        exp_text = "-" + exp_text[2:]
    return f"{'-' if sign else ''}{mantissa}e{exp_text}"
