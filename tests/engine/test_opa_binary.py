"""``OpaBinaryEngine``: ``opa eval`` per decision.

Tests that run ``opa`` are skipped unless ``opa`` is on PATH; the rest (missing
``opa``, the bundle directory, parsing ``opa eval`` output) always run.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from mlgate.engine.base import DECISION_QUERY
from mlgate.engine.opa_binary import (
    OpaBinaryEngine,
    _failure,
    find_opa,
    parse_eval_output,
    write_bundle_dir,
)
from mlgate.errors import BundleError, EngineError, UndefinedDecisionError
from tests.engine.conftest import GATE_DATA, MakeBundle

needs_opa = pytest.mark.skipif(find_opa() is None, reason="opa is not on PATH")

LOW_PASS = {"subject": {"risk_tier": "low"}, "metrics": [{"name": "accuracy", "value": 0.85}]}
HIGH_FAIL = {"subject": {"risk_tier": "high"}, "metrics": [{"name": "accuracy", "value": 0.85}]}


def test_missing_opa_is_a_clear_engine_error(
    make_bundle: MakeBundle, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "")
    assert find_opa() is None
    with pytest.raises(EngineError) as caught:
        OpaBinaryEngine.from_bundle(make_bundle())
    assert caught.value.message == "opa not found on PATH"


def test_an_explicit_opa_path_that_does_not_exist(make_bundle: MakeBundle, tmp_path: Path) -> None:
    with pytest.raises(EngineError, match="opa not found at"):
        OpaBinaryEngine.from_bundle(make_bundle(), opa=str(tmp_path / "no-opa"))


def test_bundle_directory_layout(make_bundle: MakeBundle, tmp_path: Path) -> None:
    write_bundle_dir(make_bundle(revision="r7"), tmp_path)
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()) == [
        ".manifest",
        "data.json",
        "mlgate/controls/accuracy.rego",
        "mlgate/decision.rego",
    ]
    assert json.loads((tmp_path / "data.json").read_text()) == GATE_DATA
    assert json.loads((tmp_path / ".manifest").read_text())["revision"] == "r7"


@pytest.mark.parametrize("bad", ["../evil.rego", "/abs/evil.rego", "mlgate/notes.txt"])
def test_module_paths_that_cannot_be_written_are_refused(
    make_bundle: MakeBundle, tmp_path: Path, bad: str
) -> None:
    with pytest.raises(BundleError, match="cannot be written"):
        write_bundle_dir(make_bundle(modules={bad: "package x\n"}), tmp_path)


def test_parse_eval_output() -> None:
    out = {"result": [{"expressions": [{"value": {"outcome": "pass"}, "text": "q"}]}]}
    assert parse_eval_output(DECISION_QUERY, json.dumps(out)) == {"outcome": "pass"}
    with pytest.raises(UndefinedDecisionError, match="undefined"):
        parse_eval_output(DECISION_QUERY, "{}\n")
    with pytest.raises(EngineError, match="not JSON"):
        parse_eval_output(DECISION_QUERY, "panic: runtime error")


def test_failure_quotes_the_first_error() -> None:
    errors = {
        "errors": [
            {
                "message": "var x is unsafe",
                "code": "rego_unsafe_var_error",
                "location": {"file": "mlgate/decision.rego", "row": 3, "col": 1},
            }
        ]
    }
    rego = subprocess.CompletedProcess(["opa"], 2, json.dumps(errors).encode(), b"")
    assert _failure(rego).message == (
        "opa eval failed (exit 2): mlgate/decision.rego:3:1: rego_unsafe_var_error: var x is unsafe"
    )
    other = subprocess.CompletedProcess(["opa"], 2, b"", b"error: bundle not found\nmore\n")
    assert _failure(other).message == "opa eval failed (exit 2): error: bundle not found"


@needs_opa
def test_evaluate_gives_the_expected_decisions(make_bundle: MakeBundle) -> None:
    engine = OpaBinaryEngine.from_bundle(make_bundle())
    try:
        assert engine.evaluate(DECISION_QUERY, LOW_PASS) == {
            "outcome": "pass",
            "threshold": 0.7,
            "violations": [],
        }
        assert engine.evaluate(DECISION_QUERY, HIGH_FAIL)["outcome"] == "fail"
        assert engine.info.name == "opa-binary" and engine.info.version != "unknown"
        with pytest.raises(UndefinedDecisionError):
            engine.evaluate(DECISION_QUERY, {"metrics": []})
    finally:
        engine.close()
    assert not engine.bundle_dir.exists()


@needs_opa
def test_syntax_error_names_the_file(make_bundle: MakeBundle) -> None:
    broken = "package mlgate\n\nimport rego.v1\n\ndecision := {\n"
    engine = OpaBinaryEngine.from_bundle(make_bundle(modules={"mlgate/broken.rego": broken}))
    try:
        with pytest.raises(EngineError, match=r"broken\.rego"):
            engine.evaluate(DECISION_QUERY, LOW_PASS)
    finally:
        engine.close()
