"""``mlgate report`` and ``mlgate explain`` on stored decisions: files, ids, bad input."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mlgate.cli.main import main
from tests.conftest import REPO

Run = Callable[..., tuple[int, str, str]]
FAILING = str(REPO / "tests/report/data/failing.yaml")


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    def _run(*argv: str) -> tuple[int, str, str]:
        code = main([*argv])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


@pytest.fixture
def decision_file(run: Run, tmp_path: Path) -> Path:
    target = tmp_path / "decision.json"
    code, _, err = run("check", "-f", FAILING, "-e", "embedded", "--no-log", "-o", f"json={target}")
    assert code == 1, err
    return target


def _doc(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded


def test_report_writes_html_from_a_decision_file(
    run: Run, decision_file: Path, tmp_path: Path
) -> None:
    target = tmp_path / "report.html"
    code, out, err = run("report", str(decision_file), "-o", str(target))
    assert code == 0 and out == "", err  # the outcome (fail) is not report's exit code
    html = target.read_text()
    assert _doc(decision_file)["decision_id"] in html and "MLG-PERF-001" in html


def test_report_renders_any_format(run: Run, decision_file: Path) -> None:
    code, out, _ = run("report", str(decision_file), "--format", "junit")
    assert code == 0 and out.startswith("<?xml")


def test_explain_one_control(run: Run, decision_file: Path) -> None:
    code, out, _ = run("explain", str(decision_file), "--control", "mlg-perf-001")
    assert code == 0
    assert "MLG-PERF-001  Performance metrics meet tier minimums [high]: FAIL" in out
    assert "rule:      violation at" in out and "performance.rego:" in out
    assert "threshold: data.mlgate.thresholds.medium.performance.minimum = " in out
    assert "(tier medium)" in out
    assert "actual:    roc_auc = 0.712 (≥ 0.75) at /metrics/0 (" in out and "failing.yaml:" in out
    assert "mlflow" in out  # the source of the value
    assert "to pass:   raise roc_auc to at least 0.75 (now 0.712)" in out
    assert "MLG-SEC-002  " not in out  # only the control asked for


def test_explain_every_control_says_how_to_pass(run: Run, decision_file: Path) -> None:
    code, out, _ = run("explain", str(decision_file))
    assert code == 0
    assert "to pass:   add /privacy/pii_scan to the facts" in out
    # a --no-log decision: no approve command for an id no log holds
    assert "more approval(s) from role model_risk: mlgate check without --no-log" in out
    assert "fix or upgrade until at most 0 critical vulnerabilities remain" in out
    assert out.count("to pass:") >= 27


def test_explain_unknown_control(run: Run, decision_file: Path) -> None:
    code, _, err = run("explain", str(decision_file), "--control", "NOPE-1")
    assert code == 2 and "no control 'NOPE-1'" in err


def test_decision_without_details_uses_the_matching_bundle(
    run: Run, decision_file: Path, tmp_path: Path
) -> None:
    doc = _doc(decision_file)
    del doc["details"]
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps(doc))
    code, out, _ = run("explain", str(bare), "-c", "MLG-PERF-001")
    assert code == 0
    assert "threshold: data.mlgate.thresholds.medium.performance.minimum" in out
    assert "actual:" not in out  # no facts: no measured values are invented
    doc["bundle"]["digest"] = "sha256:" + "0" * 64
    bare.write_text(json.dumps(doc))
    code, out, _ = run("explain", str(bare), "-c", "MLG-PERF-001")
    assert code == 0 and "carries no details" in out
    code, _, err = run("explain", str(bare), "-b", str(REPO / "rego"))
    assert code == 2 and "not the bundle that made this decision" in err


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"schema_version": "mlgate.decision/v2"}, "written by a newer mlgate"),
        ({"schema_version": "something/v1"}, "unknown decision schema_version"),
        ({"outcome": "maybe"}, "not a valid decision document at /outcome"),
    ],
    ids=["newer-schema", "unknown-schema", "invalid"],
)
def test_bad_decision_files(
    run: Run, decision_file: Path, tmp_path: Path, change: dict[str, str], message: str
) -> None:
    doc = {**_doc(decision_file), **change}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    for command in ("report", "explain"):
        code, out, err = run(command, str(bad))
        assert code == 2 and out == "", err
        assert message in err and "Traceback" not in err


def test_not_json_and_missing_file(run: Run, tmp_path: Path) -> None:
    junk = tmp_path / "junk.json"
    junk.write_text("[1, 2")
    code, _, err = run("report", str(junk))
    assert code == 2 and "junk.json" in err
    code, _, err = run("report", str(tmp_path / "none.json"))
    assert code == 2 and "no such decision file" in err


def test_report_by_decision_id_from_the_log(run: Run, tmp_path: Path) -> None:
    log = tmp_path / "log.db"
    code, out, err = run("check", "-f", FAILING, "-e", "embedded", "--log", str(log),
                         "--format", "json")  # fmt: skip
    assert code == 1, err
    decision_id = json.loads(out)["decision_id"]
    target = tmp_path / "r.html"
    code, _, err = run("report", decision_id, "--log", str(log), "-o", str(target))
    assert code == 0, err
    html = target.read_text()
    assert decision_id in html and 'data-name="roc_auc" data-value="0.712"' in html
    code, _, err = run("report", "01a20000-0000-7000-8000-000000000000", "--log", str(log))
    assert code == 2 and "not in the decision log" in err
    code, _, err = run("report", decision_id, "--log", str(tmp_path / "absent.db"))
    assert code == 2 and "absent.db" in err
