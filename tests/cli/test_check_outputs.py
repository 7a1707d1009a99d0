"""``mlgate check`` outputs: several formats at once, colour, report-only mode, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from mlgate.cli.main import main
from tests.conftest import REPO, minimal_facts

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.delenv("MLGATE_ENFORCE", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)

    def _run(*argv: str) -> tuple[int, str, str]:
        code = main([*argv])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


@pytest.fixture
def base(echo_bundle: Path, write_facts: Callable[..., Path]) -> Callable[[str], list[str]]:
    def _args(want: str) -> list[str]:
        facts = write_facts(minimal_facts(want=want))
        return ["check", "-f", str(facts), "-b", str(echo_bundle), "-e", "embedded", "--no-log"]

    return _args


def test_several_outputs_at_once(
    run: Run, base: Callable[[str], list[str]], tmp_path: Path
) -> None:
    files = {f: tmp_path / f"out.{f}" for f in ("json", "junit", "sarif", "markdown", "html")}
    argv = base("fail")
    for fmt, path in files.items():
        argv += ["-o", f"{fmt}={path}"]
    code, out, _ = run(*argv)
    assert code == 1 and out.startswith("FAIL")  # stdout still gets the text report
    assert json.loads(files["json"].read_text())["outcome"] == "fail"
    assert "<testsuites" in files["junit"].read_text()
    assert json.loads(files["sarif"].read_text())["version"] == "2.1.0"
    assert files["markdown"].read_text().startswith("<!-- mlgate-report -->")
    assert files["html"].read_text().startswith("<!DOCTYPE html>")
    assert oct(files["html"].stat().st_mode & 0o777) != oct(0o600)  # umask, not mkstemp's 0600


def test_one_unwritable_output_writes_none(
    run: Run, base: Callable[[str], list[str]], tmp_path: Path
) -> None:
    good, bad = tmp_path / "good.xml", tmp_path / "no-such-dir" / "r.html"
    code, out, err = run(*base("pass"), "-o", f"junit={good}", "-o", f"html={bad}")
    assert code == 2 and out == ""
    assert "cannot write output" in err and "no-such-dir" in err
    assert not good.exists() and list(tmp_path.glob(".good.xml.*")) == []


def test_unknown_format_is_a_usage_error(
    run: Run, base: Callable[[str], list[str]], tmp_path: Path
) -> None:
    code, out, err = run(*base("pass"), "-o", f"pdf={tmp_path / 'r.pdf'}")
    assert code == 2 and out == ""
    assert "unknown format 'pdf'" in err and "junit" in err and "Traceback" not in err
    code, _, err = run(*base("pass"), "--format", "pdf")
    assert code == 2 and "pdf" in err


def test_two_outputs_to_one_file_is_refused(
    run: Run, base: Callable[[str], list[str]], tmp_path: Path
) -> None:
    same = tmp_path / "x"
    code, _, err = run(*base("pass"), "-o", f"json={same}", "-o", f"sarif={same}")
    assert code == 2 and "same file" in err and not same.exists()


def test_plain_output_file_takes_the_format(
    run: Run, base: Callable[[str], list[str]], tmp_path: Path
) -> None:
    target = tmp_path / "gate.xml"
    code, out, _ = run(*base("pass"), "--format", "junit", "-o", str(target))
    assert code == 0 and out == ""
    assert target.read_text().startswith("<?xml")


def test_no_enforce_reports_but_exits_zero(
    run: Run, base: Callable[[str], list[str]], tmp_path: Path
) -> None:
    out_file = tmp_path / "d.json"
    code, out, err = run(*base("fail"), "--no-enforce", "-o", f"json={out_file}")
    assert code == 0
    assert out.startswith("FAIL")
    assert "enforcement is off" in err and "would have exited 1" in err
    doc = json.loads(out_file.read_text())
    assert doc["outcome"] == "fail" and doc["details"]["enforced"] is False
    code, _, err = run(*base("fail"), "--enforce")
    assert code == 1 and "enforcement is off" not in err


def test_no_enforce_still_fails_on_errors(run: Run, echo_bundle: Path, tmp_path: Path) -> None:
    code, _, err = run("check", "-f", str(tmp_path / "none.json"), "-b", str(echo_bundle),
                       "--no-log", "--no-enforce")  # fmt: skip
    assert code == 2 and "none.json" in err


def test_colour_only_on_a_tty_and_not_with_no_color(
    run: Run, base: Callable[[str], list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, out, _ = run(*base("fail"))
    assert "\x1b[" not in out  # captured stdout is not a terminal
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    _, out, _ = run(*base("fail"))
    assert out.startswith("\x1b[31mFAIL\x1b[0m")
    monkeypatch.setenv("NO_COLOR", "1")
    _, out, _ = run(*base("fail"))
    assert "\x1b[" not in out


def test_github_format_appends_the_job_summary(
    run: Run, base: Callable[[str], list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, out, _ = run(*base("fail"), "--format", "github")
    assert code == 1
    assert out.startswith("::error file=") and "title=T-1" in out
    text = summary.read_text()
    assert text.startswith("# earlier step\n<!-- mlgate-report -->")


def test_help_does_not_import_the_renderers() -> None:
    code = (
        "import sys\nfrom mlgate.cli.main import main\nmain(['--help'])\n"
        "heavy = [m for m in sys.modules if m.startswith('mlgate.report.') and "
        "m not in ('mlgate.report.base',)]\nprint(heavy)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert done.stdout.strip().endswith("[]"), done.stdout


def test_facts_from_stdin_still_report_controls(
    run: Run, echo_bundle: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import io

    data = json.dumps(minimal_facts(want="fail")).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    target = tmp_path / "d.json"
    code, _, err = run("check", "-f", "-", "-b", str(echo_bundle), "-e", "embedded", "--no-log",
                       "-o", f"json={target}")  # fmt: skip
    assert code == 1, err
    details = json.loads(target.read_text())["details"]
    assert [c["id"] for c in details["controls"]] == ["T-1"]
    assert details["facts_files"] == [] and details["measures"] == []
