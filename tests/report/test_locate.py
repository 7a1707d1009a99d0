"""Pointers into merged facts find the file and line they came from."""

from __future__ import annotations

from pathlib import Path

from mlgate.explain.locate import FactsLocator
from mlgate.facts.document import load_facts

HEAD = "apiVersion: mlgate/v1\nkind: ModelFacts\nsubject: {name: m, version: '1', risk_tier: low}\n"


def test_merged_list_items_are_matched_by_identity(tmp_path: Path) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.json"
    a.write_text(
        HEAD + "metrics:\n"
        "  - name: AUC\n    value: 0.9\n"  # lines 5-6: canonical name roc_auc
        "  - name: f1\n    value: 0.7\n"  # lines 7-8
    )
    b.write_text(
        '{"apiVersion": "mlgate/v1", "kind": "ModelFacts",\n'
        ' "subject": {"name": "m", "version": "1", "risk_tier": "low"},\n'
        ' "metrics": [\n'
        '   {"name": "f1", "value": 0.7},\n'  # line 4: the same fact as a.yaml's f1
        '   {"name": "recall", "value": 0.6}\n'  # line 5
        " ]}\n"
    )
    facts = load_facts([a, b]).document
    names = [m["name"] for m in facts["metrics"]]
    assert names == ["roc_auc", "f1", "recall"]
    where = FactsLocator(facts, [a, b])
    assert where.locate("/metrics/0") == (str(a), 5)
    assert where.locate("/metrics/1/value") == (str(a), 8)
    assert where.locate("/metrics/2") == (str(b), 5)
    assert where.locate("/metrics/2/value") == (str(b), 5)
    # absent facts resolve to their deepest existing ancestor
    assert where.locate("/subject/author") == (str(a), 3)
    assert where.locate("/privacy/pii_scan") is not None


def test_unreadable_or_stdin_files_give_no_location(tmp_path: Path) -> None:
    assert FactsLocator({"a": 1}, ["-"]).locate("/a") is None
    missing = tmp_path / "gone.yaml"
    assert FactsLocator({"a": 1}, [missing]).locate("/a") is None
