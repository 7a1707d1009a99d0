"""Inputs that used to be accepted quietly (exit 0) and are refused now (exit 2, one line)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mlgate.cli.main import main
from tests.conftest import REPO

FAILING = REPO / "examples/credit-risk/failing.yaml"


def _refused(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("mlgate: error: ") and message in err[0]


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--outcome", "failed", "--outcome 'failed': choose one of pass, fail"),
        ("--kind", "approvals", "--kind 'approvals': choose one of decision, monitoring"),
    ],
)
@pytest.mark.parametrize("command", ["query", "export"])
def test_a_misspelt_log_filter_is_refused_not_an_empty_answer(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: str,
    option: str,
    value: str,
    message: str,
) -> None:
    _refused(["log", command, "--log", str(tmp_path / "log.db"), option, value], message, capsys)


def test_a_principal_without_an_id_gets_no_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _refused(
        ["keys", "generate", "--principal", " ", "--out", str(tmp_path)], "--principal", capsys
    )
    assert list(tmp_path.iterdir()) == []


def test_an_out_of_range_port_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    _refused(["log", "serve", "--port", "99999"], "--port", capsys)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.pop("schema_version"), "not a decision document (no schema_version)"),
        (lambda d: d.update(outcome="pass"), "inconsistent decision: outcome pass with violations"),
        (
            lambda d: d.update(outcome="pass", violations=[]),
            "details show control MLG-CHG-001 as fail, but the decision's violations",
        ),
        (lambda d: d.update(details={"controls": "x"}), "details has no list of controls"),
        (lambda d: d.update(details={}), "details has no list of controls"),
    ],
)
def test_a_decision_file_that_was_edited_is_not_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edit, message: str
) -> None:
    decision = tmp_path / "decision.json"
    argv = ["check", "-f", str(FAILING), "--no-log", "-e", "embedded", "-o", f"json={decision}"]
    assert main(argv) == 1
    capsys.readouterr()
    doc = json.loads(decision.read_text())
    edit(doc)
    decision.write_text(json.dumps(doc))
    for command in ("report", "explain"):
        _refused([command, str(decision)], message, capsys)


def test_a_principals_file_with_an_unknown_field_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from mlgate.approvals.errors import ApprovalError
    from mlgate.approvals.principals import load_principals

    path = tmp_path / "principals.yaml"
    for text, message in (
        ("apiVersion: banana\nkind: Principals\nprincipals: []\n", "apiVersion must be mlgate/v1"),
        ("kind: Principals\nprincipal: []\n", "unknown field(s) principal"),
    ):
        path.write_text(text)
        with pytest.raises(ApprovalError, match=message.replace("(", r"\(").replace(")", r"\)")):
            load_principals(path)


@pytest.mark.parametrize(
    "args",
    [
        ["check", "-f", str(REPO / "examples/credit-risk/passing.yaml"), "--no-log"],
        ["check", "-f", str(REPO / "examples/credit-risk/passing.yaml"), "--no-log",
         "--format", "json"],
        ["--version"],  # printed without a flush: it fails when Python flushes at exit
    ],
    ids=["check text", "check json", "version"],
)  # fmt: skip
def test_a_stdout_that_cannot_be_written_is_exit_2_not_a_verdict(
    tmp_path: Path, args: list[str]
) -> None:
    # A passing check must not exit 0 (nor 1, "fail") with its verdict lost.
    env = {**os.environ, "MLGATE_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("PYTHONUNBUFFERED", None)  # buffered, as in most CI shells
    entry = "from mlgate.cli.main import run; run()"  # the console script's entry point
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-c", entry, *args],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
    assert done.returncode == 2
    assert done.stderr == "mlgate: error: cannot write output: No space left on device\n"
