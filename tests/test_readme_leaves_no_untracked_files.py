"""What the README's commands write into the working directory (the repository root,
for the tour) is covered by .gitignore: the tour leaves no untracked files behind."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.conftest import REPO


def _written_by_readme() -> set[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    found: set[str] = set()
    for line in text.splitlines():
        if "mlgate " not in line:
            continue
        for target in re.findall(r"(?:^|\s)(?:-o|--output)\s+(?:[a-z]+=)?([^\s`|]+)", line):
            if "/" not in target and "…" not in target and target != "-":
                found.add(target)
    return found


def test_the_readme_writes_files_at_all() -> None:
    assert {"decision.json", "gate.xml", "report.html", "policy.tar.gz"} <= _written_by_readme()


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_every_file_the_readme_writes_in_the_root_is_ignored() -> None:
    names = sorted(_written_by_readme())
    done = subprocess.run(
        ["git", "check-ignore", "--no-index", *names], cwd=REPO, capture_output=True, text=True
    )
    ignored = set(done.stdout.split())
    assert [n for n in names if n not in ignored] == []
