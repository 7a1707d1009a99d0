"""Severity from CVSS: base scores of v3.x and v2 vectors, and score → severity band.

CVSS v4 vectors need the specification's large lookup tables and are not
scored here: without a numeric score or a stated severity they give
``unknown``, never a guessed ``low``.
"""

from __future__ import annotations

import math
import re

SEVERITIES = ("critical", "high", "medium", "low", "unknown")
_RANK = {name: i for i, name in enumerate(reversed(SEVERITIES))}

_V3 = {
    "AV": {"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2},
    "AC": {"L": 0.77, "H": 0.44},
    "UI": {"N": 0.85, "R": 0.62},
    "C": {"H": 0.56, "L": 0.22, "N": 0.0},
}
_V3_PR = {"U": {"N": 0.85, "L": 0.62, "H": 0.27}, "C": {"N": 0.85, "L": 0.68, "H": 0.5}}
_V2 = {
    "AV": {"L": 0.395, "A": 0.646, "N": 1.0},
    "AC": {"H": 0.35, "M": 0.61, "L": 0.71},
    "Au": {"M": 0.45, "S": 0.56, "N": 0.704},
    "C": {"N": 0.0, "P": 0.275, "C": 0.660},
}
_WORDS = {"critical": "critical", "high": "high", "important": "high", "moderate": "medium"}
_WORDS |= {"medium": "medium", "low": "low", "negligible": "low", "none": "low", "info": "low"}


def worst(severities: list[str]) -> str:
    """The most severe of several; ``unknown`` only when nothing is known."""
    known = [s for s in severities if s != "unknown"]
    return max(known, key=_RANK.__getitem__) if known else "unknown"


def from_word(word: str) -> str | None:
    """A stated qualitative severity (``HIGH``, ``MODERATE``, ``Important``), or None."""
    return _WORDS.get(word.strip().lower())


def from_score(score: float, *, version: int = 3) -> str:
    if version == 2:
        return "high" if score >= 7.0 else "medium" if score >= 4.0 else "low"
    if score >= 9.0:
        return "critical"
    return "high" if score >= 7.0 else "medium" if score >= 4.0 else "low"


def from_text(text: str) -> str | None:
    """Severity from a numeric score, a v3/v2 vector, or a severity word; None if none parse."""
    text = text.strip()
    try:
        value = float(text)
    except ValueError:
        pass
    else:
        return from_score(value) if math.isfinite(value) and 0 <= value <= 10 else None
    if text.startswith("CVSS:3."):
        score = v3_base_score(text)
        return None if score is None else from_score(score)
    if text.startswith("CVSS:4."):
        return None
    score = v2_base_score(text)
    return from_score(score, version=2) if score is not None else from_word(text)


def _metrics(vector: str) -> dict[str, str]:
    parts = [p.split(":", 1) for p in vector.split("/") if ":" in p]
    return {k: v for k, v in parts}


def v3_base_score(vector: str) -> float | None:
    """The CVSS v3.0/v3.1 base score of a vector, or None if it is malformed."""
    m = _metrics(vector)
    try:
        scope = m["S"]
        av, ac, ui = _V3["AV"][m["AV"]], _V3["AC"][m["AC"]], _V3["UI"][m["UI"]]
        pr = _V3_PR[scope][m["PR"]]
        c, i, a = (_V3["C"][m[k]] for k in ("C", "I", "A"))
    except KeyError:
        return None
    iss = 1 - (1 - c) * (1 - i) * (1 - a)
    impact = 6.42 * iss if scope == "U" else 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15
    exploitability = 8.22 * av * ac * pr * ui
    if impact <= 0:
        return 0.0
    total = impact + exploitability if scope == "U" else 1.08 * (impact + exploitability)
    return _roundup(min(total, 10.0))


def _roundup(value: float) -> float:
    as_int = round(value * 100000)
    if as_int % 10000 == 0:
        return as_int / 100000.0
    return (math.floor(as_int / 10000) + 1) / 10.0


_V2_SHAPE = re.compile(r"^(\(?AV:[LAN]/AC:[HML]/Au:[MSN]/C:[NPC]/I:[NPC]/A:[NPC])")


def v2_base_score(vector: str) -> float | None:
    """The CVSS v2 base score of a vector (``AV:N/AC:L/Au:N/C:P/I:P/A:P``), or None."""
    match = _V2_SHAPE.match(vector.strip())
    if match is None:
        return None
    m = _metrics(match.group(1).lstrip("("))
    c, i, a = (_V2["C"][m[k]] for k in ("C", "I", "A"))
    impact = 10.41 * (1 - (1 - c) * (1 - i) * (1 - a))
    exploitability = 20 * _V2["AV"][m["AV"]] * _V2["AC"][m["AC"]] * _V2["Au"][m["Au"]]
    factor = 0.0 if impact == 0 else 1.176
    return round((0.6 * impact + 0.4 * exploitability - 1.5) * factor, 1)
