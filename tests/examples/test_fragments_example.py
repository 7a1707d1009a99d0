"""The README tour's merge: examples/credit-risk/fragments/ are passing.yaml in parts."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlgate.errors import FactsConflictError
from mlgate.facts.document import load_facts
from tests.conftest import REPO

EXAMPLES = REPO / "examples" / "credit-risk"
PARTS = [
    EXAMPLES / "fragments" / name for name in ("mlflow.json", "fairness.yaml", "governance.yaml")
]


def test_the_fragments_merge_into_the_passing_example() -> None:
    merged = load_facts(PARTS).document
    assert merged == load_facts([EXAMPLES / "passing.yaml"]).document
    auc = next(m for m in merged["metrics"] if m["name"] == "roc_auc")
    assert auc["source"]["tool"] == "mlflow"  # the same value twice: the first source stays


def test_the_conflicting_fragment_names_both_sources() -> None:
    conflicting = EXAMPLES / "fragments" / "conflicting.yaml"
    with pytest.raises(FactsConflictError) as info:
        load_facts([PARTS[0], conflicting])
    message = info.value.message
    assert "0.874 from" in message and "(mlflow) vs 0.861 from" in message
    assert f"{Path(conflicting)} (notebook)" in message
