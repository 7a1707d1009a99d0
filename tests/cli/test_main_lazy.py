"""Only the asked command's module is registered; the command table matches the modules."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mlgate.cli import main as cli
from mlgate.cli.main import main


def test_the_command_table_names_every_registered_command(
    capsys: pytest.CaptureFixture[str],
) -> None:
    cli._register()
    import typer.main

    group = typer.main.get_command(cli.app)
    assert set(group.commands) == set(cli._COMMANDS)  # type: ignore[attr-defined]
    assert set(cli._COMMANDS.values()) == set(cli._COMMAND_MODULES)


def test_a_command_imports_only_its_own_module() -> None:
    code = (
        "import sys\nfrom mlgate.cli.main import main\n"
        "main(['keys', '--help'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('mlgate.cli.')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = done.stdout.strip().splitlines()[-1]
    assert "'mlgate.cli.keys'" in loaded
    for other in ("check", "monitor", "recertify", "bundle", "log"):
        assert f"'mlgate.cli.{other}'" not in loaded


@pytest.mark.parametrize("argv", [["--help"], ["chekc"], ["--debug", "check", "--help"]])
def test_help_and_typos_still_see_every_command(
    argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLGATE_DEBUG", "")  # --debug sets it; restored after the test
    code = cli.main(argv)
    shown = capsys.readouterr()
    if argv == ["chekc"]:
        assert code == 2 and "Did you mean 'check'" in shown.err
    else:
        assert code == 0
        assert ("recertify" in shown.out) == (argv == ["--help"])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["check", "--frobnicate"], "No such option '--frobnicate'"),
        (["check"], "Missing option '--facts' / '-f'"),
        (["check", "-f", "x.yaml", "--format", "pdf"], "Invalid value for '--format'"),
        (["nosuch"], "No such command 'nosuch'"),
        (["bundle", "lint", "--strict=maybe"], "--strict"),
    ],
)
def test_a_usage_error_is_one_line_with_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mlgate: error: ") and message in lines[0]
    assert lines[0].endswith("--help)") and captured.out == ""


def test_a_bare_group_shows_its_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bundle"]) == 2
    assert "Usage: mlgate bundle" in capsys.readouterr().err


def test_version_names_mlgate_and_the_engine(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib import metadata

    import mlgate

    assert main(["--version"]) == 0
    out = capsys.readouterr().out.strip()
    assert out == (
        f"mlgate {mlgate.__version__} "
        f"(embedded engine: regorus {metadata.version('gordon-to-regorus')})"
    )


def test_top_level_help_imports_no_command_module_and_says_what_the_commands_say() -> None:
    """`mlgate --help` lists the commands from a table; the table must say exactly what
    the commands' own help says, in the same order (else this fails)."""
    code = (
        "import sys\nfrom mlgate.cli.main import main\n"
        "main(['--help'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('mlgate.cli.')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    *help_lines, loaded = done.stdout.strip().splitlines()
    assert loaded == "['mlgate.cli.main']", loaded
    import click
    import typer.main

    cli._register()
    group = typer.main.get_command(cli.app)
    real = group.get_help(click.Context(group, info_name="mlgate", **group.context_settings))
    assert "\n".join(help_lines) == real.strip()
