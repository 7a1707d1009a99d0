"""RFC 8785 JSON Canonicalization Scheme (JCS), the form ``mlgate.approval/v2`` signs.

Unlike ``canonical`` (Python's own JSON text, which approval v1 signed), JCS is
specified: ECMAScript number syntax (``1.0`` is ``1``, ``1e-07`` is ``1e-7``,
``-0.0`` is ``0``), object keys sorted by UTF-16 code units, and no integer a
double cannot hold exactly (above 2^53). Any language's JCS library gives the same
bytes, so tools outside mlgate can sign approvals. ``schemas/approval-v2-vectors.json``
holds test vectors. The ``rfc8785`` package (Trail of Bits) does the work.
"""

from __future__ import annotations

from typing import Any

import rfc8785


def jcs(value: Any) -> bytes:
    """The RFC 8785 bytes of ``value``; ``ValueError`` for what JCS cannot represent
    (NaN, Infinity, an integer beyond ±2^53, a non-string key)."""
    try:
        return rfc8785.dumps(value)
    except rfc8785.CanonicalizationError as exc:
        raise ValueError(f"not representable in RFC 8785 JSON ({exc})") from None
