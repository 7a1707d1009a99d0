"""Issue 18's footguns: each is what a new user or a CI maintainer hit."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from mlgate.cli.main import main
from tests.conftest import REPO, minimal_facts

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    def _run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return _run


@pytest.mark.parametrize("where", ["before", "after", "env"])
@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["check", "-f", "no-such-facts.yaml", "--no-log"], 2, "no-such-facts.yaml: cannot read"),
        (["check", "-f", "F", "--no-log", "--engine", "warp"], 2, "warp"),
        (["check", "-f", "F", "--no-log", "--opa-url", "http://127.0.0.1:9"], 2, "127.0.0.1:9"),
    ],
)
def test_debug_shows_the_traceback_and_keeps_the_exit_code(
    where: str,
    argv: list[str],
    code: int,
    message: str,
    run: Run,
    monkeypatch: pytest.MonkeyPatch,
    write_facts: Callable[..., Path],
) -> None:
    facts = str(write_facts(minimal_facts()))
    argv = [facts if a == "F" else a for a in argv]
    monkeypatch.setenv("MLGATE_DEBUG", "1" if where == "env" else "")
    if where == "before":
        argv = ["--debug", *argv]
    elif where == "after":
        argv = [*argv, "--debug"]
    got, _, err = run(*argv)
    assert got == code
    assert "Traceback (most recent call last)" in err
    assert err.rstrip().splitlines()[-1].startswith("mlgate: error: ") and message in err


def test_without_debug_no_traceback(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLGATE_DEBUG", "")
    code, _, err = run("check", "-f", "no-such-facts.yaml", "--no-log")
    assert code == 2 and "Traceback" not in err and err.count("\n") == 1


def test_a_typo_suggests_the_command_once(run: Run) -> None:
    code, _, err = run("chek")
    assert code == 2 and err.count("Did you mean 'check'?") == 1


@pytest.mark.parametrize("value", ["sarif", "SARIF", "junit", "html"])
def test_a_bare_output_that_is_a_format_name_is_refused(
    value: str,
    run: Run,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    write_facts: Callable[..., Path],
) -> None:
    monkeypatch.chdir(tmp_path)
    facts = str(write_facts(minimal_facts()))
    code, out, err = run("check", "-f", facts, "--no-log", "-o", value)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert f"-o {value.lower()}=FILE" in err and f"--format {value.lower()}" in err
    assert not (tmp_path / value).exists()


def test_a_file_named_like_a_format_is_still_possible(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_facts: Callable[..., Path]
) -> None:
    monkeypatch.chdir(tmp_path)
    facts = str(write_facts(minimal_facts()))
    run("check", "-f", facts, "--no-log", "-o", "./sarif")
    assert (tmp_path / "sarif").read_text(encoding="utf-8").startswith(("PASS", "FAIL", "INSUF"))


def test_python_dash_m_mlgate_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mlgate", "--version"], capture_output=True, text=True, cwd=REPO
    )
    assert done.returncode == 0 and done.stdout.startswith("mlgate ")
    done = subprocess.run([sys.executable, "-m", "mlgate", "chek"], capture_output=True, text=True)
    assert done.returncode == 2 and "Did you mean 'check'?" in done.stderr


def test_shell_completion_is_switched_on(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_MLGATE_COMPLETE", "complete_bash")
    monkeypatch.setenv("COMP_WORDS", "mlgate bundle li")
    monkeypatch.setenv("COMP_CWORD", "2")
    code, out, _ = run()
    assert code == 0 and out.split() == ["lint"]
    monkeypatch.delenv("_MLGATE_COMPLETE")
    code, out, _ = run("--help")
    assert "--install-completion" in out and "--show-completion" in out


def test_one_version_source_and_a_typed_package() -> None:
    import tomllib
    from importlib import resources

    import mlgate

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["hatch"]["version"]["path"] == "src/mlgate/version.py"
    assert mlgate.__version__.count(".") == 2
    assert resources.files("mlgate").joinpath("py.typed").is_file()


def test_an_opa_url_without_scheme_is_echoed_with_the_fix(
    run: Run, write_facts: Callable[..., Path]
) -> None:
    facts = str(write_facts(minimal_facts()))
    code, _, err = run("check", "-f", facts, "--no-log", "--opa-url", "localhost:8181")
    assert code == 2 and "got localhost://" not in err
    assert "(got localhost:8181; did you mean http://localhost:8181?)" in err


def _commands() -> list[list[str]]:
    import click
    import typer.main

    from mlgate.cli import main as cli

    cli._register()
    found: list[list[str]] = []

    def walk(command: click.Command, path: list[str]) -> None:
        found.append(path)
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                walk(sub, [*path, name])

    walk(typer.main.get_command(cli.app), [])
    return found


@pytest.mark.parametrize("path", _commands(), ids=lambda p: " ".join(p) or "mlgate")
def test_no_option_shows_two_defaults(path: list[str], run: Run) -> None:
    code, out, _ = run(*path, "--help")
    assert code == 0
    entries = re.split(r"\n  (?=-)", out)
    doubled = [e.split()[0] for e in entries if e.count("[default:") > 1]
    assert doubled == [], f"mlgate {' '.join(path)} --help: two defaults for {doubled}"
