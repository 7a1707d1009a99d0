"""The body of one OPA decision-log upload: what ``mlgate log serve`` accepts.

OPA's decision-log plugin POSTs a JSON array of event objects, gzip-compressed
(``Content-Encoding: gzip``: one complete gzip member, its trailer included,
nothing after it) or plain. Refused (``UploadError``, answered 400): a gzip
stream that is broken, cut short or followed by other bytes; JSON that is
malformed, not an array of objects, or holds a duplicate key in any object;
a value the log cannot store (NaN, an infinite number, a lone surrogate, deep
nesting). ``TooLarge`` (413): more than the limit, compressed or not.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

from mlgate.canonical import canonical_json

MAX_BODY_BYTES = 16 * 1024 * 1024


class UploadError(ValueError):
    """The body is not a batch of decision events the log can store."""


class TooLarge(Exception):
    """The body is over the limit, as sent or once decompressed."""


def parse_upload(data: bytes, encoding: str, limit: int = MAX_BODY_BYTES) -> list[dict[str, Any]]:
    """The events of one upload (``encoding``: the ``Content-Encoding`` header)."""
    coding = encoding.strip().lower()
    if coding == "gzip":
        data = gunzip(data, limit)
    elif coding not in ("", "identity"):
        raise UploadError(f"Content-Encoding {encoding.strip()[:40]!r}: send gzip or plain JSON")
    try:
        events = json.loads(
            data, object_pairs_hook=_unique, parse_constant=_no_constant, parse_float=_finite
        )
    except RecursionError:
        raise UploadError("body is nested too deeply") from None
    except ValueError as exc:
        raise UploadError(f"body is not JSON: {exc}") from None
    if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
        raise UploadError("body must be a JSON array of decision events")
    for i, event in enumerate(events):
        try:  # what the log will store: canonical JSON, UTF-8
            canonical_json(event)
        except (ValueError, TypeError, RecursionError) as exc:
            reason = "nested too deeply" if isinstance(exc, RecursionError) else exc
            raise UploadError(f"event {i} cannot be stored: {reason}") from None
    return events


def gunzip(data: bytes, limit: int) -> bytes:
    """One whole gzip member, at most ``limit`` bytes once decompressed."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise UploadError(f"body is not gzip: {exc}") from None
    if len(out) > limit or inflater.unconsumed_tail:
        raise TooLarge
    if not inflater.eof:  # no error, but the stream or its CRC/size trailer is cut short
        raise UploadError("gzip body is truncated (the stream or its trailer is cut short)")
    if inflater.unused_data:
        extra = len(inflater.unused_data)
        raise UploadError(f"gzip body has {extra} byte(s) after the end of the gzip stream")
    return out


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:  # JSON parsers disagree on which value wins: refuse, never pick
            raise ValueError(f"duplicate key {key[:60]!r} in an object")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"{text[:40]} is out of range for a JSON number")
    return value
