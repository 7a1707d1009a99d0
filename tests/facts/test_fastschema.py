"""The fast validity check (jsonschema-rs) never accepts what jsonschema refuses.

mlgate trusts only its "valid" answer; everything else goes to jsonschema for
the reasons. These tests pin both halves: on the golden facts and on mutated
documents, "valid" from the fast check implies no jsonschema error, and the
golden facts do take the fast path (else the speed-up is gone unnoticed).
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given

from mlgate._fastschema import fast_check, surely_valid
from mlgate.decisions.evaluate import check_policy_result
from mlgate.errors import EngineError
from mlgate.facts.validate import FACTS_SCHEMA, _validator, validate
from tests.security.test_facts_properties import FAST, mutated, seeds


def _slow_errors(doc: Any) -> list[str]:
    return [e.message for e in _validator().iter_errors(doc)]


def test_the_golden_facts_take_the_fast_path() -> None:
    assert fast_check(FACTS_SCHEMA) is not None
    for doc in seeds():
        assert surely_valid(FACTS_SCHEMA, doc) == (not _slow_errors(doc))
    assert sum(surely_valid(FACTS_SCHEMA, doc) for doc in seeds()) >= len(seeds()) // 2


@FAST
@given(mutated())
def test_fast_valid_implies_no_jsonschema_error(doc: Any) -> None:
    if surely_valid(FACTS_SCHEMA, doc):
        assert _slow_errors(doc) == []


def test_an_unreal_date_still_gets_its_reason() -> None:
    doc = copy.deepcopy(next(d for d in seeds() if surely_valid(FACTS_SCHEMA, d)))
    doc.setdefault("context", {})["evaluated_at"] = "2026-02-30T00:00:00Z"
    assert surely_valid(FACTS_SCHEMA, doc)  # the pattern matches; only the date is wrong
    lines = validate(doc).lines()
    assert any(line.startswith("/context/evaluated_at: ") and "real date" in line for line in lines)


def test_a_value_json_has_no_type_for_goes_to_the_slow_path() -> None:
    doc = copy.deepcopy(seeds()[0])
    doc["subject"]["name"] = object()
    assert not surely_valid(FACTS_SCHEMA, doc)
    assert any(line.startswith("/subject/name: ") for line in validate(doc).lines())


def test_a_malformed_policy_result_is_still_refused_with_its_place() -> None:
    assert fast_check("decision.schema.json") is not None
    raw = {"outcome": "pass", "violations": "none"}
    assert not surely_valid("decision.schema.json", raw)
    try:
        check_policy_result(raw, "embedded")
    except EngineError as exc:
        assert "is malformed at" in exc.message
    else:
        raise AssertionError("a malformed decision was accepted")
