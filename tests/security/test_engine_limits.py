"""A policy that never finishes is stopped by ``--timeout``: an engine error, exit 2.

Through the CLI (``mlgate check``) on the embedded engine, whose forked worker
is killed at the deadline. Nothing is written and nothing is logged.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from mlgate.cli.main import main
from tests.conftest import minimal_facts

_DECISION = """
decision := {
  "outcome": "pass", "risk_tier": "low", "violations": [], "missing_evidence": [],
  "required_approvals": [], "waivers_applied": [], "n": n,
}
"""
POLICIES = {
    # 10^10 iterations that yield nothing: CPU-bound, memory-flat
    "loop": "package mlgate\n\nimport rego.v1\n\n"
    "n := count([1 | some i in numbers.range(1, 100000); some j in numbers.range(1, 100000); "
    "i + j < 0])\n" + _DECISION,
    # a set of 10^10 strings: grows until the worker is killed
    "huge set": "package mlgate\n\nimport rego.v1\n\n"
    'n := count({sprintf("%d-%d", [i, j]) | some i in numbers.range(1, 100000); '
    "some j in numbers.range(1, 100000)})\n" + _DECISION,
}


def _children() -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        text = (task / "children").read_text().split()
        found.update(int(pid) for pid in text)
    return found


@pytest.mark.parametrize("policy", list(POLICIES))
def test_runaway_policy_is_stopped_by_the_timeout(
    policy: str,
    write_bundle: Callable[[dict[str, str]], Path],
    write_facts: Callable[..., Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bundle = write_bundle({"mlgate/decision.rego": POLICIES[policy]})
    facts = write_facts(minimal_facts())
    log = tmp_path / "log.db"
    report = tmp_path / "decision.json"
    before = _children()
    started = time.monotonic()
    code = main(
        ["check", "-f", str(facts), "-b", str(bundle), "--engine", "embedded",
         "--timeout", "1", "--log", str(log), "-o", f"json={report}"]
    )  # fmt: skip
    elapsed = time.monotonic() - started
    out, err = capsys.readouterr()
    assert code == 2
    assert err == "mlgate: error: embedded engine: evaluation exceeded 1s\n"
    assert out == ""
    assert elapsed < 8, f"took {elapsed:.1f}s"
    assert not report.exists()
    assert _children() <= before  # the worker was killed and reaped
    assert main(["log", "export", "--log", str(log)]) == 0
    assert capsys.readouterr().out == ""  # nothing recorded


def test_a_sane_policy_in_the_same_shape_finishes(
    write_bundle: Callable[[dict[str, str]], Path],
    write_facts: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The control: the same rules over small ranges decide within the timeout."""
    small = POLICIES["huge set"].replace("100000", "30")
    bundle = write_bundle({"mlgate/decision.rego": small})
    argv = ["check", "-f", str(write_facts(minimal_facts())), "-b", str(bundle)]
    assert main([*argv, "--engine", "embedded", "--timeout", "5", "--no-log"]) == 0
    assert capsys.readouterr().out.startswith("PASS")
