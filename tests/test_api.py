"""The public Python API: ``mlgate.check``, ``mlgate.collect``, ``Decision``, ``MlgateError``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import mlgate
from tests.conftest import REPO

EXAMPLES = REPO / "examples/credit-risk"


@pytest.mark.parametrize(
    ("name", "outcome", "code"),
    [("passing", "pass", 0), ("failing", "fail", 1), ("needs-approval", "needs_approval", 3)],
)
def test_check_decides_the_examples(name: str, outcome: str, code: int, tmp_path: Path) -> None:
    decision = mlgate.check([EXAMPLES / f"{name}.yaml"], at="facts")
    assert isinstance(decision, mlgate.Decision)
    assert (decision.outcome, int(decision.exit_code)) == (outcome, code)
    assert not (tmp_path / "log.db").exists()


def test_check_records_only_with_a_log(tmp_path: Path) -> None:
    log = tmp_path / "log.db"
    decision = mlgate.check([EXAMPLES / "passing.yaml"], at="facts", log=str(log))
    assert log.is_file() and decision.decision_id


def test_errors_are_mlgate_errors_with_their_exit_code(tmp_path: Path) -> None:
    with pytest.raises(mlgate.MlgateError) as caught:
        mlgate.check([tmp_path / "missing.yaml"])
    assert int(caught.value.exit_code) == 2 and "missing.yaml" in caught.value.message


def test_collect_reads_a_tool_output(tmp_path: Path) -> None:
    statement = {
        "asserted_by": "risk@example.com",
        "asserted_at": "2026-11-01T00:00:00Z",
        "evidence": "https://grc.example.com/1",
        "expires_at": "2099-01-01T00:00:00Z",
    }
    subject = {"name": "m", "version": "1", "risk_tier": "low"}
    attested = tmp_path / "declarations.yaml"
    attested.write_text(json.dumps({"declarations": [{"fact": "/subject", "value": subject,
                                                      **statement}]}))  # fmt: skip
    audit = tmp_path / "audit.json"
    audit.write_text(json.dumps({"dependencies": [{"name": "x", "version": "1", "vulns": []}]}))
    facts = mlgate.collect([f"declarations:{attested}", f"pip-audit:{audit}"])
    assert facts["subject"]["name"] == "m" and "security" in facts


def test_importing_mlgate_loads_neither_the_pipeline_nor_the_engines() -> None:
    code = "import sys, mlgate; print(sorted(m for m in sys.modules if m.startswith('mlgate')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = json.loads(done.stdout.replace("'", '"'))
    assert not [m for m in loaded if m.split(".")[1:2] in (["pipeline"], ["engine"], ["api"])]
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = mlgate.nope  # type: ignore[attr-defined]
