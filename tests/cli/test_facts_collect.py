"""``mlgate facts collect``: exit codes, one-line errors, nothing partial written, progress."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from mlgate.cli.main import main
from tests.facts.adapters.conftest import FIXTURES

BOM = f"cyclonedx:{FIXTURES / 'mlbom-1.6.json'}"
PIP_AUDIT = FIXTURES / "pip-audit.json"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["facts", "collect", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_collect_writes_a_valid_document(tmp_path, capsys):
    out = tmp_path / "facts.json"
    code, stdout, err = run(capsys, "--from", BOM, "-o", str(out))
    assert code == 0, err
    doc = json.loads(out.read_text())
    assert doc["subject"]["name"] == "credit-risk-scorer" and stdout == ""
    assert main(["facts", "validate", str(out)]) == 0


def test_collect_writes_to_stdout_by_default(capsys):
    code, stdout, _ = run(capsys, "--from", BOM)
    assert code == 0 and json.loads(stdout)["kind"] == "ModelFacts"


def truncated(tmp_path: Path) -> Path:
    path = tmp_path / "truncated.json"
    path.write_text(PIP_AUDIT.read_text()[:120])
    return path


def not_json(tmp_path: Path) -> Path:
    path = tmp_path / "report.json"
    path.write_text("<html>not json</html>")
    return path


@pytest.mark.parametrize("kind", ["pip-audit", "osv", "cyclonedx", "openlineage", "evidently",
                                  "fairlearn", "huggingface", "declarations"])  # fmt: skip
def test_a_missing_file_is_exit_2_naming_adapter_and_location(tmp_path, capsys, kind):
    missing = tmp_path / "missing.json"
    code, _, err = run(capsys, "--from", f"{kind}:{missing}", "-o", str(tmp_path / "f.json"))
    assert code == 2
    assert err.strip().splitlines() == [
        f"mlgate: error: {kind} adapter: {missing}: cannot read: No such file or directory"
    ]
    assert not (tmp_path / "f.json").exists()


@pytest.mark.parametrize(
    "kind", ["pip-audit", "osv", "cyclonedx", "openlineage", "evidently", "fairlearn"]
)
def test_truncated_json_is_exit_2_with_the_position(tmp_path, capsys, kind):
    path = truncated(tmp_path)
    code, _, err = run(capsys, "--from", f"{kind}:{path}")
    assert code == 2
    assert err.startswith(f"mlgate: error: {kind} adapter: {path}:1:")
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("kind", "problem"),
    [
        ("cyclonedx", "not a CycloneDX BOM"),
        ("osv", "not OSV JSON"),
        ("evidently", "not an Evidently report"),
        ("fairlearn", "not a MetricFrame export"),
        ("openlineage", "not an OpenLineage run event"),
        ("declarations", "no 'declarations' list"),
    ],
)
def test_the_wrong_format_is_exit_2_saying_what_it_is_not(tmp_path, capsys, kind, problem):
    code, _, err = run(capsys, "--from", f"{kind}:{PIP_AUDIT}")
    assert code == 2
    assert err.startswith(f"mlgate: error: {kind} adapter: {PIP_AUDIT}: ") and problem in err


def test_a_conflict_is_exit_2_and_nothing_is_written_over_the_old_output(tmp_path, capsys):
    out = tmp_path / "facts.json"
    out.write_text("previous")
    code, _, err = run(capsys, "--from", BOM, "--from", f"pip-audit:{PIP_AUDIT}", "-o", str(out))
    assert code == 2 and "conflict at /security/vulnerabilities" in err
    assert out.read_text() == "previous"
    code, _, err = run(
        capsys, "--from", BOM, "--from", f"pip-audit:{PIP_AUDIT}", "--prefer", "cyclonedx",
        "-o", str(out),
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out.read_text())["subject"]["version"] == "14"


def test_progress_lines_only_on_a_terminal_and_not_when_quiet(capsys, monkeypatch):
    code, _, err = run(capsys, "--from", BOM)
    assert code == 0 and "[1/1]" not in err  # captured stderr is not a TTY
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    code, _, err = run(capsys, "--from", BOM)
    assert code == 0
    assert f"mlgate: [1/1] {BOM}: " in err and "2 metrics" in err
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    code, _, err = run(capsys, "--from", BOM, "--quiet")
    assert code == 0 and "[1/1]" not in err


def test_help_lists_the_kinds(capsys):
    code = main(["facts", "collect", "--help"])
    out = capsys.readouterr().out
    assert code == 0
    for kind in ("mlflow", "pip-audit", "cyclonedx", "openlineage", "huggingface", "ci"):
        assert kind in out


def test_an_unreachable_tracking_server_is_exit_2(capsys, unused_port, tmp_path):
    out = tmp_path / "facts.json"
    code, _, err = run(
        capsys, "--from", "mlflow:runs:/abc", "--tracking-uri", f"http://127.0.0.1:{unused_port}",
        "-o", str(out),
    )  # fmt: skip
    assert code == 2 and not out.exists()
    assert err.strip().splitlines() == [
        f"mlgate: error: mlflow adapter: runs:/abc: tracking server http://127.0.0.1:{unused_port}"
        " is unreachable: connection refused or host unreachable"
    ]
