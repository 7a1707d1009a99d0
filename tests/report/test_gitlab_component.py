"""The GitLab CI/CD component (templates/mlgate-check.yml, spec: inputs) runs mlgate as
it claims, and both it and the template declare the JUnit and Code Quality reports."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from mlgate.decisions.model import Decision
from mlgate.report.codequality import CodeQualityFormatter
from tests.conftest import REPO
from tests.report.conftest import FAILING
from tests.report.test_integrations import BIN

COMPONENT = REPO / "templates" / "mlgate-check.yml"
TEMPLATE = REPO / "ci" / "gitlab" / "mlgate.gitlab-ci.yml"
SEVERITIES = {"info", "minor", "major", "critical", "blocker"}
_INPUT = re.compile(r"\$\[\[\s*inputs\.([\w-]+)\s*\]\]")


def _render(**given: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The component's spec, and its job as GitLab interpolates the inputs."""
    header, body = COMPONENT.read_text().split("\n---\n", 1)
    spec = yaml.safe_load(header)["spec"]["inputs"]
    missing = [n for n, i in spec.items() if "default" not in i and n not in given]
    assert missing == [], f"required inputs not given: {missing}"
    values = {n: str(i.get("default", "")).lower() if isinstance(i.get("default"), bool)
              else str(i.get("default", "")) for n, i in spec.items()} | given  # fmt: skip
    unknown = set(_INPUT.findall(body)) - set(spec)
    assert unknown == set(), f"the job uses undeclared inputs {unknown}"
    return spec, yaml.safe_load(_INPUT.sub(lambda m: values[m.group(1)], body))


def test_the_component_declares_its_inputs_and_both_reports() -> None:
    spec, jobs = _render(facts="f.yaml", **{"job-name": "gate-credit"})
    assert "facts" in spec and "default" not in spec["facts"]  # the one required input
    assert spec["enforce"]["type"] == "boolean"
    job = jobs["gate-credit"]
    reports = job["artifacts"]["reports"]
    assert reports["junit"] == "mlgate-reports/mlgate-junit.xml"
    assert reports["codequality"] == "mlgate-reports/gl-code-quality-report.json"
    template = yaml.safe_load(TEMPLATE.read_text())[".mlgate-check"]
    assert template["script"] == job["script"]  # one job, two ways to include it
    assert template["artifacts"]["reports"] == reports


@pytest.mark.parametrize("enforce", ["true", "false"])
def test_the_component_job_runs_mlgate(tmp_path: Path, enforce: str) -> None:
    reports = tmp_path / "reports"
    _, jobs = _render(facts=FAILING, enforce=enforce, **{"reports-dir": str(reports)})
    job = jobs["mlgate-check"]
    env = {**os.environ, **{k: str(v) for k, v in job["variables"].items()},
           "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "HOME": str(tmp_path)}  # fmt: skip
    done = subprocess.run(["sh", "-c", job["script"][1]], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == (1 if enforce == "true" else 0), done.stderr
    issues = json.loads((reports / "gl-code-quality-report.json").read_text())
    _assert_code_quality(issues)
    assert {i["check_name"] for i in issues} >= {"MLG-PERF-001", "MLG-SEC-002"}
    assert 'failures="' in (reports / "mlgate-junit.xml").read_text()


def _assert_code_quality(issues: Any) -> None:
    """GitLab's Code Quality format: what its widget needs of every issue."""
    assert isinstance(issues, list) and issues
    for issue in issues:
        assert isinstance(issue["description"], str) and issue["description"]
        assert isinstance(issue["check_name"], str) and issue["check_name"]
        assert re.fullmatch(r"[0-9a-f]{64}", issue["fingerprint"])
        assert issue["severity"] in SEVERITIES
        assert isinstance(issue["location"]["path"], str)
        assert not Path(issue["location"]["path"]).is_absolute()
        assert issue["location"]["lines"]["begin"] >= 1
    fingerprints = [i["fingerprint"] for i in issues]
    assert len(fingerprints) == len(set(fingerprints))


def test_code_quality_of_a_pass_is_empty_and_an_approval_is_stable() -> None:
    doc: dict[str, Any] = {"outcome": "pass", "decision_id": "a", "subject": {"name": "m"}}
    assert json.loads(CodeQualityFormatter().render(Decision(doc))) == []
    doc |= {"outcome": "needs_approval",
            "required_approvals": [{"role": "model_risk", "count": 1, "reason": "r"}]}  # fmt: skip
    first = json.loads(CodeQualityFormatter().render(Decision(doc)))
    second = json.loads(CodeQualityFormatter().render(Decision({**doc, "decision_id": "b"})))
    _assert_code_quality(first)
    # The same outstanding approval in the next pipeline is the same issue.
    assert first[0]["fingerprint"] == second[0]["fingerprint"]
    assert first[0]["severity"] == "info"
