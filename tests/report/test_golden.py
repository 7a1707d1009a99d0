"""Golden files for every output format, from the shipped example and a failing variant.

The decision id, digests, absolute paths, the tool version and Rego line
numbers are normalised (``conftest.normalise``); everything else must match.
Regenerate after an intended change with ``MLGATE_UPDATE_GOLDEN=1 pytest
tests/report/test_golden.py`` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mlgate.report.base import OutputFormat
from tests.report.conftest import EXAMPLE, FAILING, Run, normalise

GOLDEN = Path(__file__).parent / "golden"
EXT = {"text": "txt", "json": "json", "junit": "xml", "sarif": "sarif", "github": "txt",
       "markdown": "md", "html": "html", "codequality": "json"}  # fmt: skip
CASES = {"passing": (EXAMPLE, 0), "failing": (FAILING, 1)}


def test_every_format_has_an_extension() -> None:
    assert set(EXT) == {f.value for f in OutputFormat}


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden_outputs(case: str, run: Run, in_repo: Path, tmp_path: Path) -> None:
    facts, want_code = CASES[case]
    outputs = [f"{fmt}={tmp_path / f'{case}.{fmt}.{ext}'}" for fmt, ext in EXT.items()]
    argv = ["check", "-f", facts, "-e", "embedded", "--no-log", "--format", "text"]
    for out in outputs:
        argv += ["-o", out]
    code, stdout, err = run(*argv)
    assert code == want_code, err
    update = os.environ.get("MLGATE_UPDATE_GOLDEN") == "1"
    mismatched = []
    for fmt, ext in EXT.items():
        got = normalise((tmp_path / f"{case}.{fmt}.{ext}").read_text(encoding="utf-8"))
        golden = GOLDEN / f"{case}.{fmt}.{ext}"
        if update:
            golden.write_text(got, encoding="utf-8")
        elif not golden.is_file() or golden.read_text(encoding="utf-8") != got:
            mismatched.append(golden.name)
    assert not mismatched, f"outputs differ from golden files {mismatched}; see the module doc"
    # the text on stdout is the text file's content
    assert normalise(stdout) == normalise((tmp_path / f"{case}.text.txt").read_text())
