"""Shared fixtures: small bundles and facts documents written to tmp_path."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]

# The real OPA that `make test` installs (.ci/install-opa) comes first on PATH, so
# every test that looks for `opa` finds the pinned one; a user's own opa otherwise.
_TOOLS = REPO / ".tools" / "bin"
if (_TOOLS / "opa").exists():
    os.environ["PATH"] = f"{_TOOLS}{os.pathsep}{os.environ.get('PATH', '')}"


def pytest_sessionstart(session: pytest.Session) -> None:
    """In CI the real-OPA tests must run: no opa there is a failure, not skips."""
    if os.environ.get("CI") and shutil.which("opa") is None:
        pytest.exit(
            "CI must run the real-OPA tests, but no opa is on PATH (make opa installs it)",
            returncode=1,
        )


# A bundle whose decision echoes the outcome the facts ask for: it lets the CLI
# tests drive every exit code without depending on the shipped rules.
ECHO_POLICY = """package mlgate

decision := {
  "outcome": input.context.want,
  "risk_tier": input.subject.risk_tier,
  "violations": violations,
  "missing_evidence": [],
  "required_approvals": approvals,
  "waivers_applied": [],
}

violations := [v |
  input.context.want == "fail"
  v := {"control": "T-1", "rule": "t", "severity": "high", "message": "m",
        "expected": 0.8, "actual": 0.5, "evidence": "/metrics/0"}
]

approvals := [a |
  input.context.want == "needs_approval"
  a := {"role": "risk_officer", "count": 1, "given": 0, "reason": "tier"}
]
"""


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep the suite's caches out of the real home directory."""
    os.environ["MLGATE_CACHE_DIR"] = str(tmp_path_factory.mktemp("mlgate-cache"))


@pytest.fixture(autouse=True)
def _isolated_decision_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test records into a decision log under tmp, never the real home."""
    monkeypatch.setenv("MLGATE_LOG", str(tmp_path / "decision-log.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    # The cases and examples are dated: evaluate them at the time they state, so the
    # suite does not start failing as their evidence ages. The default (now, never the
    # facts' time) has its own tests, which drop this.
    monkeypatch.setenv("MLGATE_AT", "facts")
    for name in (
        "MLGATE_PRINCIPALS",
        "MLGATE_LOG_MASK",
        "MLGATE_ACTOR",
        "MLGATE_ENGINE",
        "MLGATE_OPA_URL",
        "MLGATE_BUNDLE",
        "MLGATE_FORMAT",
        "MLGATE_CONFIG",
    ):
        monkeypatch.delenv(name, raising=False)


def minimal_facts(**context: Any) -> dict[str, Any]:
    return {
        "apiVersion": "mlgate/v1",
        "kind": "ModelFacts",
        "subject": {"name": "m", "version": "1", "risk_tier": "low"},
        "metrics": [
            {"name": "roc_auc", "value": 0.5, "source": {"tool": "unit", "file": "eval.json"}}
        ],
        "context": {"evaluated_at": "2026-11-01T00:00:00Z", **context},
    }


@pytest.fixture
def write_bundle(tmp_path: Path) -> Callable[[dict[str, str]], Path]:
    def _write(files: dict[str, str]) -> Path:
        root = tmp_path / "bundle"
        for rel, text in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return root

    return _write


@pytest.fixture
def echo_bundle(write_bundle: Callable[[dict[str, str]], Path]) -> Path:
    return write_bundle({"mlgate/decision.rego": ECHO_POLICY})


@pytest.fixture
def write_facts(tmp_path: Path) -> Callable[..., Path]:
    def _write(doc: dict[str, Any], name: str = "facts.json") -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(doc), encoding="utf-8")
        return path

    return _write


@pytest.fixture
def unused_port() -> int:
    """A local port nobody listens on (bound, then released)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
