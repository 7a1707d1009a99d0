"""The shipped bundle under the real OPA: ``opa check --strict`` and ``opa test``.

``test_rego_unit.py`` runs the same ``*_test.rego`` files on the embedded
engine; here OPA itself must accept every module in strict mode and pass every
test, and the coverage it reports is printed (and bounded from below).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.real_opa import OPA, requires_opa

pytestmark = [requires_opa, pytest.mark.opa]

REGO = REPO / "rego"
MIN_COVERAGE = 95.0


def _opa(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(OPA), *args], capture_output=True, text=True, timeout=300, check=False
    )


def test_opa_check_strict_accepts_every_module() -> None:
    done = _opa("check", "--strict", str(REGO))
    assert done.returncode == 0, done.stdout + done.stderr


def test_opa_test_passes_every_rego_test_with_coverage() -> None:
    done = _opa("test", str(REGO), "--coverage", "--format", "json")
    report = json.loads(done.stdout)
    assert done.returncode == 0, done.stderr[-2000:]
    tests = sum(
        1 for name in REGO.rglob("*_test.rego") for line in name.read_text().splitlines()
        if line.startswith("test_")
    )  # fmt: skip
    assert tests > 200
    print(f"opa test: coverage {report['coverage']:.1f}%")
    assert report["coverage"] >= MIN_COVERAGE


def test_a_planted_failing_test_fails_opa_test(tmp_path: Path) -> None:
    """What the test above relies on: ``opa test`` exits non-zero and names the test."""
    copy = tmp_path / "rego"
    shutil.copytree(REGO, copy)
    (copy / "mlgate" / "planted_test.rego").write_text(
        "package mlgate.planted_test\n\ntest_planted_failure if {\n\t1 == 2\n}\n"
    )
    done = _opa("test", str(copy))
    assert done.returncode != 0 and "test_planted_failure" in done.stdout
