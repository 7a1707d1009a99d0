"""``mlgate check --policy-changed-since REF`` against a real git repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest

from mlgate.cli.main import main
from tests.conftest import ECHO_POLICY, minimal_facts

Run = Callable[..., tuple[int, str, str]]
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    def _run(*argv: str) -> tuple[int, str, str]:
        code = main([*argv])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def _git(repo: Path, *args: str, when: str = "2026-11-01T00:00:00Z") -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when,
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}  # fmt: skip
    done = subprocess.run(["git", "-C", str(repo), *args], env=env, check=True,
                          capture_output=True, text=True)  # fmt: skip
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "policy-repo"
    (root / "bundle" / "mlgate").mkdir(parents=True)
    (root / "bundle" / "mlgate" / "decision.rego").write_text(ECHO_POLICY)
    (root / "bundle" / "mlgate" / "thresholds").mkdir()
    (root / "bundle" / "mlgate" / "thresholds" / "data.yaml").write_text("low: {auc: 0.7}\n")
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "policy v1", when="2026-11-01T00:00:00Z")
    _git(root, "tag", "v1")
    return root


def _commit(repo: Path, rel: str, text: str, when: str) -> None:
    (repo / rel).write_text(text)
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", f"change {rel}", when=when)


def _facts(write_facts: Callable[..., Path], collected_at: str | None) -> Path:
    doc = minimal_facts(want="pass")
    if collected_at:
        doc["metrics"][0]["source"]["collected_at"] = collected_at
    return write_facts(doc)


def _check(run: Run, repo: Path, facts: Path, *extra: str) -> tuple[int, str, str]:
    return run("check", "-f", str(facts), "-b", str(repo / "bundle"), "-e", "embedded",
               "--no-log", "--policy-changed-since", "v1", *extra)  # fmt: skip


def test_threshold_change_after_the_evidence_blocks(
    run: Run, repo: Path, write_facts: Callable[..., Path]
) -> None:
    _commit(repo, "bundle/mlgate/thresholds/data.yaml", "low: {auc: 0.8}\n", "2026-11-10T12:00:00Z")
    code, out, err = _check(run, repo, _facts(write_facts, "2026-11-05T00:00:00Z"))
    assert code == 1 and out == ""
    assert "the policy changed at 2026-11-10T12:00:00Z" in err
    assert "data.yaml" in err and "2026-11-05T00:00:00Z" in err and "collect the evidence" in err
    code, _, err = _check(run, repo, _facts(write_facts, "2026-11-05T00:00:00Z"), "--no-enforce")
    assert code == 0 and "would have exited 1" in err


def test_evidence_collected_after_the_change_passes(
    run: Run, repo: Path, write_facts: Callable[..., Path]
) -> None:
    _commit(repo, "bundle/mlgate/decision.rego", ECHO_POLICY + "\n", "2026-11-10T12:00:00Z")
    code, out, err = _check(run, repo, _facts(write_facts, "2026-11-11T00:00:00Z"))
    assert code == 0, err
    assert out.startswith("PASS")


def test_test_files_and_other_files_do_not_count(
    run: Run, repo: Path, write_facts: Callable[..., Path]
) -> None:
    (repo / "bundle" / "mlgate" / "decision_test.rego").write_text("package mlgate_test\n")
    (repo / "bundle" / "README.md").write_text("notes\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "tests", when="2026-11-20T00:00:00Z")
    code, _, err = _check(run, repo, _facts(write_facts, "2026-11-05T00:00:00Z"))
    assert code == 0, err


def test_uncommitted_policy_change_counts_as_now(
    run: Run, repo: Path, write_facts: Callable[..., Path]
) -> None:
    (repo / "bundle" / "mlgate" / "thresholds" / "data.yaml").write_text("low: {auc: 0.9}\n")
    code, _, err = _check(run, repo, _facts(write_facts, "2026-11-05T00:00:00Z"))
    assert code == 1 and "uncommitted changes" in err


@pytest.mark.parametrize("problem", ["unknown-ref", "no-collected-at", "archive", "not-git"])
def test_cannot_tell_is_an_error(
    run: Run, repo: Path, write_facts: Callable[..., Path], tmp_path: Path, problem: str
) -> None:
    facts = _facts(write_facts, None if problem == "no-collected-at" else "2026-11-05T00:00:00Z")
    bundle = repo / "bundle"
    ref = "no-such-ref" if problem == "unknown-ref" else "v1"
    if problem == "archive":
        bundle = tmp_path / "bundle.tar.gz"
        with tarfile.open(bundle, "w:gz") as tar:
            tar.add(repo / "bundle" / "mlgate", arcname="mlgate")
    if problem == "not-git":
        bundle = tmp_path / "plain"
        shutil.copytree(repo / "bundle", bundle)
    code, out, err = run("check", "-f", str(facts), "-b", str(bundle), "-e", "embedded",
                         "--no-log", "--policy-changed-since", ref)  # fmt: skip
    assert code == 2 and out == "", err
    assert err.startswith("mlgate: error: ") and "Traceback" not in err
    expected = {
        "unknown-ref": "git rev-parse",
        "no-collected-at": "no source.collected_at",
        "archive": "needs a bundle directory",
        "not-git": "git rev-parse",
    }[problem]
    assert expected in err


def test_report_of_a_checked_decision_keeps_enforcement_flag(
    run: Run, repo: Path, write_facts: Callable[..., Path], tmp_path: Path
) -> None:
    out = tmp_path / "d.json"
    code, _, _ = _check(run, repo, _facts(write_facts, "2026-11-05T00:00:00Z"), "-o", f"json={out}")
    assert code == 0
    assert json.loads(out.read_text())["details"]["enforced"] is True
