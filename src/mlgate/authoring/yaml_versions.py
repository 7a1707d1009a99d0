"""Plain YAML scalars that YAML 1.1 and YAML 1.2 read differently.

mlgate reads a bundle's ``data.yaml`` with the YAML 1.2 core schema, as OPA
does since it moved to that schema. OPA releases before the move read YAML 1.1
(go-yaml v2), and so does OPA 1.9, the release the conformance cases were
recorded with. The same file then gives two data documents: ``no`` is the
string ``"no"`` here and ``false`` there, ``0755`` is 755 here and 493 there.
A threshold or a flag written that way decides differently on the two, so
``mlgate bundle lint`` reports each such scalar with its line, as an error.

Only plain scalars can differ: a quoted one is a string in both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mlgate.facts.load import yaml_parser_class

# YAML 1.1 booleans that the 1.2 core schema leaves as strings
# (true/True/TRUE/false/False/FALSE are booleans in both).
_TRUE_11 = frozenset({"y", "Y", "yes", "Yes", "YES", "on", "On", "ON"})
_FALSE_11 = frozenset({"n", "N", "no", "No", "NO", "off", "Off", "OFF"})
# Integers YAML 1.1 reads in another base or with separators; the core schema
# reads 0755 as decimal 755 and the others as strings.
_OCTAL_11 = re.compile(r"[-+]?0[0-7_]+")
_BINARY_11 = re.compile(r"[-+]?0b[01_]+")
_NUMBER_WITH_SEPARATORS = re.compile(
    r"[-+]?(0x[0-9a-fA-F_]+|[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?)"
)


@dataclass(frozen=True)
class Ambiguous:
    line: int
    text: str
    as_12: str  # how mlgate (YAML 1.2 core) reads it
    as_11: str  # how a YAML 1.1 reader reads it

    def message(self) -> str:
        return (
            f"`{self.text}` is {self.as_12} in YAML 1.2 (mlgate, current OPA) but "
            f"{self.as_11} in YAML 1.1 (older OPA releases, 1.9 among them): quote it "
            f"or write it so both read the same"
        )


def readings(text: str) -> tuple[str, str] | None:
    """``(YAML 1.2 reading, YAML 1.1 reading)`` of a plain scalar, when they differ."""
    if text in _TRUE_11 or text in _FALSE_11:
        return f'the string "{text}"', "true" if text in _TRUE_11 else "false"
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-")
    if _OCTAL_11.fullmatch(text) and len(digits) > 1:
        as_11 = sign * int(digits.replace("_", ""), 8)
        if "_" in digits:
            return f'the string "{text}"', f"the number {as_11}"
        if int(digits) != int(digits, 8):  # 00 to 07 are the same number in both
            return f"the number {sign * int(digits)}", f"the number {as_11} (octal)"
        return None
    if _BINARY_11.fullmatch(text):
        return f'the string "{text}"', f"the number {sign * int(digits[2:].replace('_', ''), 2)}"
    if "_" in text and _NUMBER_WITH_SEPARATORS.fullmatch(text):
        return f'the string "{text}"', f"the number {text.replace('_', '')}"
    return None


def ambiguous_scalars(text: str) -> list[Ambiguous]:
    """Every plain scalar (key or value) of a YAML text whose reading differs.

    ``text`` is a data file the bundle loader already accepted (no tags, no
    anchors, size-limited), so its events are read without further checks.
    """
    import yaml

    found: list[Ambiguous] = []
    for event in yaml.parse(text, Loader=yaml_parser_class()):
        if isinstance(event, yaml.ScalarEvent) and not event.style:  # plain: None or ""
            differ = readings(event.value)
            if differ is not None:
                line = event.start_mark.line + 1 if event.start_mark is not None else 0
                found.append(Ambiguous(line, event.value, *differ))
    return found
