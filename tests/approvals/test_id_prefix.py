"""status, approve and report take a unique prefix of a decision id, as git takes a
short hash; an ambiguous one is one line listing the candidates (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from mlgate.cli.main import main
from tests.approvals.conftest import Keyring
from tests.approvals.test_flow import check

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    keyring: Keyring,
    log_location: str,
) -> Run:
    monkeypatch.setenv("MLGATE_LOG", log_location)
    monkeypatch.setenv("MLGATE_PRINCIPALS", str(keyring.principals))

    def _run(*argv: str) -> tuple[int, str, str]:
        code = main([*argv])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def test_a_unique_prefix_names_the_decision(run: Run, keyring: Keyring, tmp_path: Path) -> None:
    first = str(check(run)[1]["decision_id"])
    second = str(check(run)[1]["decision_id"])
    shared = _common_prefix(first, second)
    assert len(shared) >= 4  # time-ordered ids made a moment apart
    short = first[: len(shared) + 1]
    code, out, err = run("status", short)
    assert code == 3 and "model_risk" in out, err
    key = str(keyring.key("omar.risk"))
    code, out, err = run("approve", short, "--role", "model_risk", "--as", "omar.risk",
                         "--key", key)  # fmt: skip
    assert code == 0, err
    assert out.startswith(f"recorded approval of {first} as model_risk")  # the full id
    report = tmp_path / "r.html"
    code, _, err = run("report", short, "-o", str(report))
    assert code == 0 and first in report.read_text(encoding="utf-8"), err


@pytest.mark.parametrize("command", ["status", "approve", "report"])
def test_an_ambiguous_prefix_is_one_line_listing_the_candidates(
    run: Run, keyring: Keyring, command: str
) -> None:
    first = str(check(run)[1]["decision_id"])
    second = str(check(run)[1]["decision_id"])
    shared = _common_prefix(first, second)[:8]
    extra = ["--role", "model_risk", "--as", "omar.risk", "--key", str(keyring.key("omar.risk"))]
    code, out, err = run(command, shared, *(extra if command == "approve" else []))
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert f"decision id '{shared}' is ambiguous" in err
    assert first in err and second in err and "give more characters" in err


def test_too_short_or_unknown_is_not_found(run: Run) -> None:
    first = str(check(run)[1]["decision_id"])
    code, _, err = run("status", first[:3])
    assert code == 2 and f"decision {first[:3]} is not in the decision log" in err
    code, _, err = run("status", "ffff")
    assert code == 2 and "decision ffff is not in the decision log" in err
