"""The embedded engine against answers recorded from a real OPA 1.9.

``opa_conformance_cases.json`` is a copy of the project's shared conformance
set (small modules, the query, and what OPA answered). For each case:

- OPA gave a value: the engine gives exactly that JSON value, or an error
  (failing closed is acceptable; a crash is not);
- OPA gave undefined: undefined, or an error;
- OPA gave an error: an engine error (not undefined, not a value).

A *different value* fails, except the known deviations below: each is a strict
xfail, so an upgrade that fixes (or changes) one shows up. The cases that fail
closed are listed too, so a new error (or a fixed one) shows up as well.

regorus (gordon-to-regorus 0.13.0) against OPA 1.9: 69 of 80 match, 6 deviate,
5 fail closed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mlgate.bundles.model import Bundle, Manifest
from mlgate.engine.embedded import EmbeddedEngine
from mlgate.errors import BundleError, EngineError, UndefinedDecisionError

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).with_name("opa_conformance_cases.json")).read_text(encoding="utf-8")
)["cases"]

KNOWN_DEVIATIONS = {
    "cmp_float_precision": "floats are IEEE doubles: 0.1 + 0.2 == 0.3 is false "
    "(OPA computes with exact decimals)",
    "sprintf_formats": 'sprintf("%.3f", [1]) formats the integer as "1"; '
    'OPA (Go fmt) gives "%!f(int=001)"',
    "sprintf_float_v": 'sprintf("%v", [1e21]) prints 1000000000000000000000; OPA prints 1e+21',
    "string_builtins": 'upper("straße") is "STRASSE"; OPA keeps "ß" ("STRAßE")',
    "time_add_date_date": "time.add_date(Jan 31, +1 month) clamps to Feb 28; "
    "OPA normalises the overflow to Mar 3",
    "json_marshal_order_numbers": "json.marshal re-spells numbers (1.0 -> 1, 1e3 -> 1000); "
    "OPA keeps the spelling of the source",
}

# OPA answered with a value or undefined; the embedded engine raises (fails closed).
FAILS_CLOSED = {
    "builtin_type_error_runtime": "a builtin type error (count(5)) aborts the query; "
    "OPA makes the expression undefined",
    "to_number_bad": 'to_number("abc") is an error; OPA: undefined',
    "division_by_zero": "division by zero is an error; OPA: undefined",
    "time_rfc3339_bad": "a malformed RFC 3339 time is an error; OPA: undefined",
    "crypto_sha256": "crypto.sha256 is not implemented: the bundle is refused at load",
}


def _params() -> Iterator[Any]:
    for case in CASES:
        marks = []
        if case["name"] in KNOWN_DEVIATIONS:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_DEVIATIONS[case["name"]]))
        yield pytest.param(case, id=case["name"], marks=marks)


def same_json(a: Any, b: Any) -> bool:
    """JSON equality: numbers by value, but ``true`` is not ``1`` and ``1`` is not ``"1"``."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_json(a[k], b[k]) for k in a)
    return type(a) is type(b) and bool(a == b)


def run_case(case: dict[str, Any]) -> tuple[str, Any]:
    """("value", v), ("undefined", None) or ("error", exception)."""
    bundle = Bundle(
        source="",
        manifest=Manifest(),
        modules=case["modules"],
        data=case.get("data", {}),
        digest="",
    )
    try:
        with EmbeddedEngine.from_bundle(bundle, timeout=20) as engine:
            return "value", engine.evaluate(case["query"], case.get("input", {}))
    except UndefinedDecisionError:
        return "undefined", None
    except (EngineError, BundleError) as exc:
        return "error", exc


def test_cases_are_the_shared_set() -> None:
    assert len(CASES) == 80
    assert len({c["name"] for c in CASES}) == len(CASES)
    names = {c["name"] for c in CASES}
    assert set(KNOWN_DEVIATIONS) <= names
    assert set(FAILS_CLOSED) <= names


@pytest.mark.parametrize("case", list(_params()))
def test_matches_opa(case: dict[str, Any]) -> None:
    expect = case["expect"]
    kind, got = run_case(case)
    if kind == "error":
        assert "crashed" not in str(got), f"engine crashed: {got}"
        assert isinstance(got, EngineError | BundleError)
        if "error" not in expect:  # failing closed is acceptable, but must be known
            assert case["name"] in FAILS_CLOSED, f"new error where OPA gave {expect}: {got}"
        return
    assert case["name"] not in FAILS_CLOSED, "now answers: remove it from FAILS_CLOSED"
    if "error" in expect:
        pytest.fail(f"OPA raised {expect['error']}, the embedded engine gave {kind} {got!r}")
    if "undefined" in expect:
        assert kind == "undefined", f"OPA: undefined; embedded: {got!r}"
        return
    assert kind == "value", "OPA gave a value; the embedded engine gave undefined"
    assert same_json(got, expect["value"]), f"OPA: {expect['value']!r}; embedded: {got!r}"


def test_same_json_is_strict_about_types() -> None:
    assert same_json([1, 2.0, {"a": None}], [1.0, 2, {"a": None}])
    assert not same_json(True, 1)
    assert not same_json(1, "1")
    assert not same_json(9007199254740993, 9007199254740992.0)
    assert not same_json({"a": 1}, {"a": 1, "b": 2})
