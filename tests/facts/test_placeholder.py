"""A facts template's TODO left in place is invalid facts, wherever it is (issue 19)."""

from __future__ import annotations

from mlgate.facts.load import load_document
from mlgate.facts.validate import validate
from tests.conftest import REPO


def test_a_todo_anywhere_is_an_error_naming_its_pointer() -> None:
    doc = load_document(REPO / "examples/credit-risk/passing.yaml")
    assert validate(doc).ok
    doc["subject"]["owner"] = "TODO"
    doc["lineage"]["datasets"][0]["provenance"] = "TODO"
    doc["documentation"]["model_card"]["sections"].append("TODO")
    lines = validate(doc).lines()
    at = len(doc["documentation"]["model_card"]["sections"]) - 1
    assert lines == [
        f"/documentation/model_card/sections/{at}: still holds the template placeholder TODO: "
        "fill it in",
        "/lineage/datasets/0/provenance: still holds the template placeholder TODO: fill it in",
        "/subject/owner: still holds the template placeholder TODO: fill it in",
    ]


def test_text_that_only_mentions_todo_is_not_a_placeholder() -> None:
    doc = load_document(REPO / "examples/credit-risk/passing.yaml")
    doc["subject"]["intended_use"] = "TODO list ranking; todo"
    assert validate(doc).ok
