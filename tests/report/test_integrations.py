"""The CI integrations shipped in the repository run mlgate the way they claim to."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO
from tests.report.conftest import EXAMPLE, FAILING

BIN = str(Path(sys.executable).parent)


def _step(action: dict[str, Any], step_id: str) -> dict[str, Any]:
    return next(s for s in action["runs"]["steps"] if s.get("id") == step_id)


def _run_action_check(tmp_path: Path, **inputs: str) -> tuple[int, dict[str, str], str]:
    action = yaml.safe_load((REPO / "action.yml").read_text())
    step = _step(action, "check")
    defaults = {k: str(v.get("default", "")) for k, v in action["inputs"].items()}
    values = {**defaults, **inputs}
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_OUTPUT": str(tmp_path / "github-output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "HOME": str(tmp_path),
    }
    for name, expr in step["env"].items():
        key = expr.strip("${} ").removeprefix("inputs.")
        env[name] = values[key]
    env["OUT"] = str(tmp_path / "out")
    done = subprocess.run(["bash", "-eo", "pipefail", "-c", step["run"]], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    written = tmp_path / "github-output"
    lines = written.read_text().splitlines() if written.exists() else []
    outputs = dict(line.split("=", 1) for line in lines)
    return done.returncode, outputs, done.stdout


def test_action_check_step_writes_reports_and_outputs(tmp_path: Path) -> None:
    code, outputs, stdout = _run_action_check(tmp_path, facts=FAILING)
    assert code == 1 and outputs.pop("artifact-name").startswith("mlgate-reports-")
    assert outputs == {"exit-code": "1", "outcome": "fail"}
    out = tmp_path / "out"
    names = {p.name for p in out.iterdir()}
    assert names == {"decision.json", "mlgate-junit.xml", "mlgate.sarif", "mlgate-report.html",
                     "mlgate.md"}  # fmt: skip
    assert "::error file=tests/report/data/failing.yaml" in stdout
    assert (tmp_path / "summary.md").read_text().startswith("<!-- mlgate-report -->")


def test_action_report_only_passes_the_job(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir(), second.mkdir()
    code, outputs, _ = _run_action_check(first, facts=FAILING, enforce="false", formats="html")
    assert code == 0 and outputs.pop("artifact-name")
    assert outputs == {"exit-code": "0", "outcome": "fail"}
    code, outputs, _ = _run_action_check(second, facts=EXAMPLE, formats="pdf")
    assert code == 2 and list(outputs) == ["artifact-name"]


def test_action_artifact_is_named_per_model_so_a_matrix_can_upload(tmp_path: Path) -> None:
    """upload-artifact v4 refuses a second artifact of one name in a run: each leg of a
    matrix over models gets its own name, and the upload step uses it."""
    action = yaml.safe_load((REPO / "action.yml").read_text())
    upload = next(s for s in action["runs"]["steps"] if s.get("name") == "Upload reports")
    assert upload["with"]["name"] == "${{ steps.check.outputs.artifact-name }}"
    names = []
    for leg, facts in enumerate((FAILING, EXAMPLE)):
        (tmp_path / str(leg)).mkdir()
        _, outputs, _ = _run_action_check(tmp_path / str(leg), facts=facts, formats="json")
        names.append(outputs["artifact-name"])
    assert names[0] != names[1] and all(n.startswith("mlgate-reports-") for n in names)
    assert Path(FAILING).stem in names[0]
    (tmp_path / "mine").mkdir()
    _, outputs, _ = _run_action_check(
        tmp_path / "mine", facts=FAILING, formats="json", **{"artifact-name": "gate: a/b"}
    )
    assert outputs["artifact-name"] == "gate--a-b"  # no character upload-artifact refuses


def test_action_takes_facts_paths_with_spaces(tmp_path: Path) -> None:
    spaced = tmp_path / "my facts"
    spaced.mkdir()
    one, two = spaced / "model a.yaml", spaced / "part two.yaml"
    one.write_text((REPO / FAILING).read_text())
    two.write_text("apiVersion: mlgate/v1\nkind: ModelFacts\n")
    (tmp_path / "single").mkdir()
    code, outputs, stdout = _run_action_check(tmp_path / "single", facts=str(one))
    assert code == 1 and outputs["outcome"] == "fail", stdout
    (tmp_path / "lines").mkdir()
    code, outputs, stdout = _run_action_check(tmp_path / "lines", facts=f"  {one}\n  {two}\n")
    assert code == 1 and outputs["outcome"] == "fail", stdout


def test_gitlab_template_runs_and_declares_the_junit_report(tmp_path: Path) -> None:
    template = yaml.safe_load((REPO / "ci/gitlab/mlgate.gitlab-ci.yml").read_text())
    job = template[".mlgate-check"]
    assert job["artifacts"]["reports"]["junit"] == "mlgate-reports/mlgate-junit.xml"
    assert job["artifacts"]["when"] == "always"
    variables = {k: str(v) for k, v in job["variables"].items()}
    variables |= {"MLGATE_FACTS": FAILING, "MLGATE_REPORTS": str(tmp_path / "reports")}
    env = {**os.environ, **variables, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
           "HOME": str(tmp_path)}  # fmt: skip
    script = job["script"][1]  # [0] is the pip install
    done = subprocess.run(["sh", "-c", script], env=env, cwd=REPO, capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 1, done.stderr
    report = tmp_path / "reports" / "mlgate-junit.xml"
    assert 'failures="' in report.read_text()
    assert json.loads((tmp_path / "reports" / "decision.json").read_text())["outcome"] == "fail"


def _hook_run(hook: dict[str, Any], cwd: Path) -> subprocess.CompletedProcess[str]:
    """The hook as pre-commit runs it (pass_filenames: false): entry, then args."""
    argv = [*hook["entry"].split(), *hook.get("args", [])]
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    env.pop("MLGATE_BUNDLE", None)
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("hook", ["mlgate-bundle-lint", "mlgate-bundle-test"])
def test_pre_commit_hooks_check_the_users_policy_not_the_shipped_one(
    hook: str, tmp_path: Path
) -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    entry = hooks[hook]
    assert entry["entry"] == f"mlgate bundle {hook.rsplit('-', 1)[1]}"
    assert entry["language"] == "python" and entry["pass_filenames"] is False
    assert ".rego" in entry["files"] and entry["args"] == ["policy/"]
    # A repository without policy/: the hook fails, it does not pass on mlgate's bundle.
    done = _hook_run(entry, tmp_path)
    assert done.returncode == 2 and "policy/: no such bundle" in done.stderr
    # The user's bundle in policy/ is the one checked: a deny without METADATA, no tests.
    rule = tmp_path / "policy" / "mlgate" / "decision.rego"
    rule.parent.mkdir(parents=True)
    rule.write_text(
        'package mlgate\n\ndeny contains x if { x := 1 }\ndecision := {"outcome": "pass"}\n'
    )
    done = _hook_run(entry, tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "policy/" in done.stdout + done.stderr
