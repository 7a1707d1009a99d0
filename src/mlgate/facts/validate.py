"""Validate a facts document: the schema, plus what a schema cannot say.

Every problem is listed (never just the first) as a JSON pointer and a readable
reason, sorted by pointer with array indices in numeric order::

    /metrics/0/value: '0.9' is not a number
    /metrics/3/value: 1.7 is outside roc_auc's range [0, 1]
    /subject/version: is required

Beyond the schema: canonical metric values outside their registry range,
NaN/Infinity anywhere, and timestamps that match the pattern but are not real
dates (``2026-02-30T00:00:00Z``), and a template's ``TODO`` left in place
(``facts.placeholder``). Unknown sections, fields and metric names are
warnings (``facts.unknown``).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mlgate._fastschema import surely_valid
from mlgate._jsonschema import jsonschema
from mlgate.canonical import show
from mlgate.facts.identity import identity_problem, people
from mlgate.facts.metrics import MetricSpec, lookup
from mlgate.facts.normalize import beyond_float, degradation, finite_number
from mlgate.facts.placeholder import PLACEHOLDER, placeholders
from mlgate.facts.unknown import unknown_names
from mlgate.resources import load_schema

FACTS_SCHEMA = "facts.schema.json"

_TIMESTAMP = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]+)?"
    r"(?:Z|[+-]([0-9]{2}):([0-9]{2}))"
)
_TYPES = {"number": "a number", "integer": "an integer", "string": "a string"}
_TYPES |= {"object": "an object", "array": "an array", "boolean": "a boolean", "null": "null"}


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in a facts document: where (a JSON pointer) and why."""

    pointer: str
    reason: str

    def __str__(self) -> str:
        return f"{self.pointer or '/'}: {self.reason}"


@dataclass(frozen=True)
class Report:
    errors: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def lines(self) -> list[str]:
        return [str(problem) for problem in self.errors]


def validate(doc: Any, *, partial: bool = False) -> Report:
    """Check ``doc`` against the facts schema and the extra rules.

    ``partial`` is for one fragment of several: a missing required field is
    then only an error inside an array item (a metric, an approval …), since a
    mapping such as ``subject`` may be completed by another fragment.
    """
    problems: set[Problem] = set()
    non_finite, unreal_date = _scan(doc)
    if unreal_date or not surely_valid(FACTS_SCHEMA, doc):
        for error in _validator().iter_errors(doc):
            problems.update(_describe(error, partial))
    if non_finite:
        problems.update(_non_finite(doc))
    problems.update(_out_of_range(doc))
    problems.update(_inconsistent(doc))
    problems.update(_look_alike_names(doc))
    problems.update(_unfilled(doc))
    return Report(sorted(problems, key=_sort_key), unknown_names(doc))


def pointer(path: list[Any] | tuple[Any, ...]) -> str:
    """The JSON pointer (RFC 6901) of a path of keys and indices."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _sort_key(problem: Problem) -> tuple[Any, ...]:
    parts = problem.pointer.split("/")[1:]
    return (tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts), problem.reason)


def _describe(error: Any, partial: bool) -> list[Problem]:
    path, kind = list(error.absolute_path), error.validator
    instance, expected = error.instance, error.validator_value
    if kind == "required":
        if partial and not any(isinstance(p, int) for p in path):
            return []
        missing = [n for n in expected if isinstance(instance, dict) and n not in instance]
        return [Problem(pointer([*path, name]), "is required") for name in missing]
    if kind == "type":
        kinds = [expected] if isinstance(expected, str) else [t for t in expected if t != "null"]
        reason = f"{show(instance)} is not {' or '.join(_TYPES.get(t, t) for t in kinds)}"
    elif kind == "enum":
        reason = f"{show(instance)} is not one of {', '.join(show(v) for v in expected)}"
    elif kind == "const":
        reason = f"must be {show(expected)}, not {show(instance)}"
    elif kind == "pattern":
        reason = (
            f"{show(instance)} {_pattern_phrases().get(expected, 'does not match ' + expected)}"
        )
    elif kind == "minLength" and expected == 1:
        reason = "must not be empty"
    elif kind == "maxLength":
        reason = f"is longer than {expected} characters"
    elif kind in ("minimum", "maximum"):
        reason = (
            f"{show(instance)} is {'below' if kind == 'minimum' else 'above'} the {kind} {expected}"
        )
    else:
        reason = error.message
    return [Problem(pointer(path), reason)]


def _non_finite(doc: Any) -> Iterator[Problem]:
    stack: list[tuple[Any, tuple[Any, ...]]] = [(doc, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, float) and not math.isfinite(node):
            yield Problem(pointer(path), f"{show(node)} is not a finite number")
        elif beyond_float(node):
            yield Problem(pointer(path), f"{_digits(node)} is too large a number (above 1.8e308)")
        elif isinstance(node, dict):
            stack.extend((v, (*path, k)) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, (*path, i)) for i, v in enumerate(node))


def _scan(doc: Any) -> tuple[bool, bool]:
    """One walk, no paths: is there a NaN/Infinity (``_non_finite`` then places
    each), and a string shaped like a timestamp that is no real date (only
    jsonschema places it)?"""
    non_finite = unreal_date = False
    stack: list[Any] = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if not unreal_date and _TIMESTAMP.fullmatch(node) and _not_a_date(node):
                unreal_date = True
        elif isinstance(node, float):
            non_finite = non_finite or not math.isfinite(node)
        elif isinstance(node, int):
            non_finite = non_finite or beyond_float(node)
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return non_finite, unreal_date


def _out_of_range(doc: Any) -> Iterator[Problem]:
    change = doc.get("change") if isinstance(doc, dict) else None
    sections = [
        ("metrics", doc.get("metrics") if isinstance(doc, dict) else None, "name", ("value",)),
        ("change/baseline_metrics", _get(change, "baseline_metrics"), "name", ("value",)),
        ("robustness", _get(doc, "robustness"), "metric", ("value", "baseline")),
    ]
    for where, items, name_field, fields in sections:
        for i, item in enumerate(items if isinstance(items, list) else []):
            name = _get(item, name_field)
            spec = lookup(name) if isinstance(name, str) else None
            if spec is None:
                continue
            for f in fields:
                value = item.get(f)
                if finite_number(value) and not spec.in_range(value):
                    yield Problem(f"/{where}/{i}/{f}", _range_reason(value, spec))


# How far a reported figure may be from the one its own parts give (tools round).
RATIO_TOLERANCE = 0.01
DEGRADATION_TOLERANCE = 1e-6


def _inconsistent(doc: Any) -> Iterator[Problem]:
    """Figures that contradict the parts they are computed from: a policy must not
    pass on the summary while the details say otherwise."""
    for i, item in enumerate(_list(_get(doc, "fairness"))):
        ratio = _get(item, "ratio")
        if not finite_number(ratio):
            continue
        if not 0 <= ratio <= 1:
            yield Problem(
                f"/fairness/{i}/ratio",
                f"{show(ratio)} is outside [0, 1]: the ratio is the smallest group's value "
                "over the largest",
            )
            continue
        groups = _get(item, "by_group")
        values = (
            [v for v in groups.values() if finite_number(v)] if isinstance(groups, dict) else []
        )
        if len(values) >= 2 and max(values) > 0 and min(values) >= 0:
            derived = min(values) / max(values)
            if abs(derived - ratio) > RATIO_TOLERANCE:
                yield Problem(
                    f"/fairness/{i}/ratio",
                    f"{show(ratio)} contradicts by_group, whose smallest over largest value "
                    f"is {show(round(derived, 6))}",
                )
    for i, item in enumerate(_list(_get(doc, "robustness"))):
        stated, value, baseline = (_get(item, k) for k in ("degradation", "value", "baseline"))
        metric = _get(item, "metric")
        spec = lookup(metric) if isinstance(metric, str) else None
        numbers = (stated, value, baseline)
        if spec is None or not all(finite_number(x) for x in numbers):
            continue
        derived = degradation(value, baseline, spec.direction)
        if abs(derived - stated) > DEGRADATION_TOLERANCE:
            yield Problem(
                f"/robustness/{i}/degradation",
                f"{show(stated)} contradicts value and baseline, which give {show(derived)} "
                f"({spec.direction} is better)",
            )


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _range_reason(value: float, spec: MetricSpec) -> str:
    low, high = _num(spec.minimum), _num(spec.maximum)
    if math.isfinite(spec.minimum) and math.isfinite(spec.maximum):
        return f"{show(value)} is outside {spec.name}'s range [{low}, {high}]"
    if math.isfinite(spec.minimum):
        return f"{show(value)} is below {spec.name}'s minimum {low}"
    return f"{show(value)} is above {spec.name}'s maximum {high}"


def _num(x: float) -> str:
    return str(int(x)) if math.isfinite(x) and x == int(x) else str(x)


def _get(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, dict) else None


def _not_a_date(text: str) -> str | None:
    match = _TIMESTAMP.fullmatch(text)
    if match is None:
        return f"{show(text)} is not an RFC 3339 timestamp"
    y, mo, d, h, mi, s, oh, om = (int(g) if g else 0 for g in match.groups())
    try:
        datetime(y, mo, d, h, mi, s)
    except ValueError as exc:
        return f"{show(text)} is not a real date ({exc})"
    if oh > 23 or om > 59:
        return f"{show(text)} is not a real date (offset out of range)"
    return None


@functools.cache
def _pattern_phrases() -> dict[str, str]:
    defs = load_schema(FACTS_SCHEMA)["$defs"]
    return {
        defs["timestamp"]["pattern"]: "is not an RFC 3339 timestamp like 2026-05-01T12:00:00Z",
        defs["sha256"]["pattern"]: "is not a sha256 digest (64 lowercase hex digits)",
    }


@functools.cache
def _validator() -> Any:
    """The facts schema compiled once, with timestamps checked for real dates."""

    Draft202012Validator = jsonschema().Draft202012Validator
    validators = jsonschema().validators
    ValidationError = jsonschema().exceptions.ValidationError

    schema = load_schema(FACTS_SCHEMA)
    timestamp = schema["$defs"]["timestamp"]["pattern"]
    base_pattern = Draft202012Validator.VALIDATORS["pattern"]

    def pattern(validator: Any, value: str, instance: Any, sub: Any) -> Iterator[Any]:
        errors = list(base_pattern(validator, value, instance, sub) or ())
        yield from errors
        if value == timestamp and isinstance(instance, str) and not errors:
            reason = _not_a_date(instance)
            if reason:
                yield ValidationError(reason, validator="date")

    return validators.extend(Draft202012Validator, {"pattern": pattern})(schema)


def _digits(number: int) -> str:
    """A huge integer by its size, never its hundreds of digits (``str`` refuses over 4300)."""
    digits = int(abs(number).bit_length() * 0.30103) + 1
    return f"{'a negative' if number < 0 else 'an'} integer of about {digits} digits"


def _unfilled(doc: Any) -> Iterator[Problem]:
    """A template (``bundle skeleton``) value nobody replaced: never decided on."""
    for path in placeholders(doc):
        yield Problem(
            pointer(path), f"still holds the template placeholder {PLACEHOLDER}: fill it in"
        )


def _look_alike_names(doc: Any) -> Iterator[Problem]:
    """A person's name written in several scripts (a Latin name with a Cyrillic letter)."""
    for path, name in people(doc):
        problem = identity_problem(name)
        if problem:
            yield Problem(pointer(path), f"{show(name)} {problem}")
