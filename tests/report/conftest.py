"""Fixtures for the report tests: run the CLI, decide on the shipped example."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mlgate.cli.main import main
from tests.conftest import REPO

Run = Callable[..., tuple[int, str, str]]
EXAMPLE = "examples/credit-risk/passing.yaml"
FAILING = "tests/report/data/failing.yaml"
SCHEMAS = Path(__file__).parent / "schemas"

_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
_DIGEST = re.compile(r"sha256:[0-9a-f]{6,64}")
_REGO_LINES = (
    re.compile(r"(\.rego:)\d+"),
    re.compile(r'(\.rego",\s*"line":\s*)\d+'),
    re.compile(r'(\.rego"\s*\},\s*"region":\s*\{\s*"startLine":\s*)\d+'),
    re.compile(r"(\.rego,line=)\d+"),
)
_SPRINTF = re.compile(r"<repo>/rego/mlgate/[\w/]+\.rego:[^:]*: sprintf differs[^\"\n<]*")


def normalise(text: str) -> str:
    """Golden-file form: no decision ids, digests, paths, versions or Rego line numbers."""
    text = text.replace(str(REPO), "<repo>")
    text = _SPRINTF.sub("<sprintf warning>", text)
    text = _UUID.sub("<decision-id>", text)
    text = _DIGEST.sub("sha256:<digest>", text)
    for pattern in _REGO_LINES:
        text = pattern.sub(r"\g<1><line>", text)
    return re.sub(r'"semanticVersion": "[^"]*"', '"semanticVersion": "<version>"', text)


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    def _run(*argv: str) -> tuple[int, str, str]:
        code = main([*argv])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from the repository root, so reports name files as a CI job would."""
    monkeypatch.chdir(REPO)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.delenv("MLGATE_ENFORCE", raising=False)
    return REPO


@pytest.fixture
def decide(run: Run, in_repo: Path, tmp_path: Path) -> Callable[..., dict[str, Any]]:
    """The JSON decision (with details) for a facts file, via ``mlgate check``."""

    def _decide(facts: str = EXAMPLE, *extra: str) -> dict[str, Any]:
        target = tmp_path / f"decision-{len(list(tmp_path.iterdir()))}.json"
        code, _, err = run(
            "check", "-f", facts, "-e", "embedded", "--no-log", "-o", f"json={target}", *extra
        )
        assert code in (0, 1, 3, 4), err
        doc: dict[str, Any] = json.loads(target.read_text(encoding="utf-8"))
        return doc

    return _decide
