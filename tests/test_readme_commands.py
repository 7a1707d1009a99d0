"""The README's command lines match the real CLI: every command exists and
every option the README shows for it is one that command's --help lists."""

from __future__ import annotations

import re
import shlex

import pytest

from mlgate.cli.main import main
from tests.conftest import REPO

_GROUPS = {"facts", "keys", "log", "bundle", "approvals"}


def _code_snippets(text: str) -> list[str]:
    """Command lines in code: fenced or indented blocks, and inline code spans."""
    lines = [line.strip() for line in text.splitlines() if line.strip().startswith("mlgate ")]
    lines += re.findall(r"`(mlgate [^`]+)`", text)
    lines += re.findall(r"&& (mlgate [^\n]+)", text)
    return lines


def _readme_invocations() -> list[tuple[tuple[str, ...], list[str]]]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    found: dict[tuple[str, ...], set[str]] = {}
    for line in _code_snippets(text):
        try:
            words = shlex.split(line.replace("…", "x").split(" #")[0].rstrip("\\ "))[1:]
        except ValueError:
            continue
        if not words:
            continue
        command = tuple(words[:2]) if words[0] in _GROUPS and len(words) > 1 else (words[0],)
        if not all(re.fullmatch(r"[a-z][a-z-]*", w) for w in command):
            continue
        options = {w.split("=")[0] for w in words if re.fullmatch(r"--[a-z][a-z-]*(=.*)?", w)}
        found.setdefault(command, set()).update(options)
    return sorted((cmd, sorted(opts)) for cmd, opts in found.items())


INVOCATIONS = _readme_invocations()


def test_the_readme_shows_the_main_commands() -> None:
    commands = {cmd for cmd, _ in INVOCATIONS}
    assert {("check",), ("facts", "collect"), ("bundle", "build"), ("approve",)} <= commands


@pytest.mark.parametrize(
    ("command", "options"), INVOCATIONS, ids=[" ".join(c) for c, _ in INVOCATIONS]
)
def test_readme_command_and_options_exist(
    command: tuple[str, ...], options: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*command, "--help"]) == 0, f"mlgate {' '.join(command)} is not a command"
    help_text = capsys.readouterr().out
    missing = [opt for opt in options if opt not in help_text and opt != "--help"]
    assert missing == [], f"mlgate {' '.join(command)} --help does not list {missing}"
