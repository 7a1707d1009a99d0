"""The config file (``.mlgate.yaml`` / ``[tool.mlgate]``): read by every command, with
flag > environment > config > default, and shown by ``mlgate config``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from mlgate.cli.main import main
from tests.conftest import minimal_facts

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "project"
    (root / ".git").mkdir(parents=True)
    (root / "sub").mkdir()
    monkeypatch.chdir(root / "sub")  # the file is found in a parent directory
    return root


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    def _run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def _facts(root: Path, want: str) -> Path:
    path = root / "facts.json"
    path.write_text(json.dumps(minimal_facts(want=want)), encoding="utf-8")
    return path


def test_the_yaml_file_gives_check_its_bundle_format_log_and_outputs(
    project: Path, echo_bundle: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MLGATE_LOG")
    (project / ".mlgate.yaml").write_text(
        f"bundle: {echo_bundle}\nengine: embedded\nformat: json\nlog: gate.db\n"
        "outputs: [junit=reports-gate.xml]\n",
        encoding="utf-8",
    )
    code, out, _ = run("check", "-f", str(_facts(project, "fail")))
    assert code == 1
    assert json.loads(out)["outcome"] == "fail"  # format: json from the file
    assert (project / "reports-gate.xml").is_file()  # relative to the file, not the cwd
    assert (project / "gate.db").is_file()  # the log the file names


def test_a_flag_beats_the_environment_which_beats_the_file(
    project: Path, echo_bundle: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "pyproject.toml").write_text(
        f'[project]\nname = "x"\n\n[tool.mlgate]\nbundle = "{echo_bundle}"\nformat = "json"\n',
        encoding="utf-8",
    )
    facts = str(_facts(project, "pass"))
    code, out, _ = run("check", "-f", facts, "--no-log")
    assert code == 0 and json.loads(out)["outcome"] == "pass"
    monkeypatch.setenv("MLGATE_FORMAT", "markdown")
    code, out, _ = run("check", "-f", facts, "--no-log")
    assert out.lstrip().startswith(("#", "<", "**", "|", "✅", ":")), out[:80]
    assert not out.lstrip().startswith("{")
    code, out, _ = run("check", "-f", facts, "--no-log", "--format", "text")
    assert out.startswith("PASS")
    _, shown, _ = run("config")
    assert "format      markdown  (env MLGATE_FORMAT)" in shown
    assert f"bundle      {echo_bundle}  (config {project / 'pyproject.toml'})" in shown
    assert "engine      auto  (default)" in shown


def test_mlgate_config_json_names_the_file(project: Path, run: Run) -> None:
    (project / ".mlgate.yaml").write_text("opa-url: http://127.0.0.1:8181\n", encoding="utf-8")
    code, out, _ = run("config", "--format", "json")
    shown = json.loads(out)
    assert code == 0 and shown["config_file"] == str(project / ".mlgate.yaml")
    opa = next(s for s in shown["settings"] if s["key"] == "opa_url")
    assert opa["value"] == "http://127.0.0.1:8181" and opa["source"].startswith("config ")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("bundel: policy/\n", "unknown setting 'bundel'"),
        ("bundle: [a, b]\n", "'bundle' must be a non-empty string"),
        ("- a\n", "must be a mapping of settings"),
        ("outputs: [1]\n", "'outputs' must be a list of FORMAT=FILE strings"),
    ],
)
def test_a_bad_config_file_stops_every_command_with_one_line(
    project: Path, run: Run, text: str, message: str
) -> None:
    (project / ".mlgate.yaml").write_text(text, encoding="utf-8")
    code, out, err = run("log", "verify")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err and ".mlgate.yaml" in err


def test_two_config_files_in_one_directory_are_refused(project: Path, run: Run) -> None:
    (project / ".mlgate.yaml").write_text("engine: embedded\n", encoding="utf-8")
    (project / "pyproject.toml").write_text('[tool.mlgate]\nengine = "auto"\n', encoding="utf-8")
    code, _, err = run("config")
    assert code == 2 and "both .mlgate.yaml and pyproject.toml configure mlgate" in err


def test_the_search_stops_at_the_repository_root(project: Path, tmp_path: Path, run: Run) -> None:
    (tmp_path / ".mlgate.yaml").write_text("engine: nonsense\n", encoding="utf-8")
    _, out, _ = run("config")
    assert "config file: none" in out


def test_mlgate_config_env_names_the_file_or_none(
    project: Path, tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / ".mlgate.yaml").write_text("engine: embedded\n", encoding="utf-8")
    monkeypatch.setenv("MLGATE_CONFIG", "none")
    assert "config file: none" in run("config")[1]
    monkeypatch.setenv("MLGATE_CONFIG", str(tmp_path / "missing.yaml"))
    code, _, err = run("config")
    assert code == 2 and "missing.yaml: config file not found (from $MLGATE_CONFIG)" in err
