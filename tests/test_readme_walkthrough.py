"""README's policy-authoring walkthrough runs as written (issue 19).

Every ``sh`` block of "Walkthrough: a new control, end to end" runs in bash, in a
scratch copy of the repository's ``rego/``, ``examples/`` and ``tests/cases/``,
each command with the exit code its ``# exit N`` comment states (else 0). The
``yaml`` block is added under every tier of the copied thresholds, as the prose
says, and the prose's "deliberate policy change" (``required: true`` under
``high:``) is made before the block that runs ``--update``. Each output block
shown after a command block must appear in what those commands printed
(``…`` stands for lines left out, ``N`` for a count).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

_SECTION = re.compile(r"^### Walkthrough: a new control, end to end\n(.*?)^## ", re.S | re.M)
_BLOCK = re.compile(r"^```(\w*)\n(.*?)^```\n", re.S | re.M)
_EXIT = re.compile(r"#\s*exit (\d+)")


def _blocks() -> list[tuple[str, str]]:
    found = _SECTION.search((REPO / "README.md").read_text(encoding="utf-8"))
    assert found, "README has no policy-authoring walkthrough"
    return [(m.group(1), m.group(2)) for m in _BLOCK.finditer(found.group(1))]


def _script(block: str, exports: list[str]) -> str:
    lines = ["set -u", *exports]
    for number, line in enumerate(block.splitlines(), start=1):
        command = line.split(" #")[0].strip()
        if not command:
            continue
        want = _EXIT.search(line)
        code = int(want.group(1)) if want else 0
        lines.append(
            f"{command}; rc=$?; if [ $rc -ne {code} ]; then "
            f"echo 'README line {number}: exit '$rc', expected {code}' >&2; exit 99; fi"
        )
    return "\n".join(lines) + "\n"


def _under_every_tier(thresholds: Path, snippet: str) -> None:
    out = []
    for line in thresholds.read_text(encoding="utf-8").splitlines(keepends=True):
        out.append(line)
        if line.rstrip() in ("low:", "medium:", "high:"):
            out.append(snippet)
    thresholds.write_text("".join(out), encoding="utf-8")


def _require_licence_at_high(thresholds: Path) -> None:
    text = thresholds.read_text(encoding="utf-8")
    high = text.index("\nhigh:\n")
    at = text.index("  license:\n    denied: [GPL-3.0, AGPL-3.0]\n    required: false\n", high)
    end = at + len("  license:\n    denied: [GPL-3.0, AGPL-3.0]\n    required: false\n")
    thresholds.write_text(
        text[:at] + text[at:end].replace("false", "true") + text[end:], encoding="utf-8"
    )


def _shown(output_block: str, printed: str) -> None:
    for line in output_block.splitlines():
        if line.strip() in ("", "…"):
            continue
        pattern = re.escape(line).replace(r"\ N\ ", r"\ \d+\ ")
        assert re.search(f"^{pattern}$", printed, re.M), f"README shows {line!r}; not printed"


def test_the_walkthrough_runs_as_written(tmp_path: Path) -> None:
    for part in ("rego", "examples/policy-authoring", "examples/credit-risk", "tests/cases"):
        shutil.copytree(REPO / part, tmp_path / part)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    exports: list[str] = []
    printed = ""
    blocks = _blocks()
    assert [kind for kind, _ in blocks].count("sh") >= 4
    for kind, text in blocks:
        if kind == "yaml":
            _under_every_tier(tmp_path / "my-policy/mlgate/thresholds/data.yaml", text)
        elif kind == "sh":
            if "--update" in text:
                _require_licence_at_high(tmp_path / "my-policy/mlgate/thresholds/data.yaml")
            done = subprocess.run(
                ["bash", "-c", _script(text, exports)],
                cwd=tmp_path,
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
            )
            assert done.returncode == 0, done.stderr + done.stdout
            printed = done.stdout + done.stderr
            exports += [line for line in text.splitlines() if line.startswith("export ")]
        else:
            _shown(text, printed)
    updated = (tmp_path / "my-cases/high_tier_complete_with_all_approvals_passes.yaml").read_text()
    assert "- MLG-LIC-001" in updated


@pytest.mark.parametrize(("line", "code"), [("mlgate check -f x   # exit 1", 1), ("cp -r a b", 0)])
def test_the_exit_code_comments_are_read(line: str, code: int) -> None:
    assert f"-ne {code} ]" in _script(line, [])
