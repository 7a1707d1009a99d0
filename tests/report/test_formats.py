"""Each format against its schema and against the decision it renders."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import xmlschema
from jsonschema import Draft4Validator

from mlgate.bundles.controls import bundle_controls
from mlgate.bundles.load import load_bundle
from mlgate.decisions.model import Decision
from mlgate.engine.base import DECISION_QUERY
from mlgate.report.base import OutputFormat
from mlgate.report.github import GithubFormatter, command, escape_data, escape_property
from tests.conftest import REPO
from tests.report.conftest import FAILING, SCHEMAS

Decide = Callable[..., dict[str, Any]]


def render(fmt: str, doc: dict[str, Any]) -> str:
    return OutputFormat(fmt).to_formatter().render(Decision(doc))


def line_of(path: Path, needle: str) -> int:
    for number, text in enumerate(path.read_text().splitlines(), start=1):
        if needle in text:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


@pytest.fixture(scope="module")
def junit_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMAS / "junit-10.xsd"))


@pytest.fixture(scope="module")
def sarif_validator() -> Draft4Validator:
    return Draft4Validator(json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text()))


def test_junit_is_valid_and_has_one_case_per_control(
    decide: Decide, junit_schema: xmlschema.XMLSchema
) -> None:
    doc = decide(FAILING)
    xml = render("junit", doc)
    junit_schema.validate(xml)
    tree = junit_schema.to_dict(xml)
    suite = tree["testsuite"][0]
    cases = {c["@name"].split()[0]: c for c in suite["testcase"]}
    shipped = {c.id for c in bundle_controls(load_bundle(REPO / "rego").modules, DECISION_QUERY)}
    assert set(cases) == shipped
    assert not any(c.startswith("MLG-MON-") for c in cases)  # the monitoring decision's
    failure = cases["MLG-PERF-001"]["failure"][0]
    assert "expected: " in failure["$"] and '"minimum": 0.75' in failure["$"]
    assert "actual: 0.712" in failure["$"]
    assert f"{FAILING}:{line_of(REPO / FAILING, '- name: roc_auc')}" in failure["$"]
    assert cases["MLG-PRIV-001"]["error"][0]["@type"] == "missing_evidence"
    assert cases["MLG-APR-001"]["failure"][0]["@type"] == "approval_required"
    assert "mlgate approve" in cases["MLG-APR-001"]["failure"][0]["$"]
    assert "failure" not in cases["MLG-LIN-003"] and "error" not in cases["MLG-LIN-003"]
    failed = sum(1 for c in cases.values() if "failure" in c)
    assert suite["@failures"] == str(failed) and suite["@errors"] == "1"
    props = {p["@name"]: p["@value"] for p in suite["properties"][0]["property"]}
    assert props["decision_id"] == doc["decision_id"] and props["outcome"] == "fail"


def test_junit_strips_characters_xml_cannot_carry(junit_schema: xmlschema.XMLSchema) -> None:
    doc = {
        "outcome": "fail",
        "risk_tier": "low",
        "violations": [
            {"control": "X-1", "rule": "r", "severity": "high", "message": "bad \x00\x1b byte"}
        ],
        "missing_evidence": [],
        "required_approvals": [],
        "waivers_applied": [],
    }
    xml = render("junit", doc)
    junit_schema.validate(xml)
    assert "bad \ufffd\ufffd byte" in xml


def test_sarif_is_valid_and_points_at_facts_lines(
    decide: Decide, sarif_validator: Draft4Validator
) -> None:
    doc = decide(FAILING)
    log = json.loads(render("sarif", doc))
    errors = sorted(sarif_validator.iter_errors(log), key=str)
    assert errors == [], errors[0].message if errors else ""
    run = log["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert (
        rules["MLG-PERF-001"]["shortDescription"]["text"]
        == "Performance metrics meet tier minimums"
    )
    assert rules["MLG-PERF-001"]["properties"]["frameworks"]["eu_ai_act"] == ["Art. 15"]
    perf = next(r for r in run["results"] if r["ruleId"] == "MLG-PERF-001")
    assert run["tool"]["driver"]["rules"][perf["ruleIndex"]]["id"] == "MLG-PERF-001"
    where = perf["locations"][0]["physicalLocation"]
    assert where["artifactLocation"]["uri"] == FAILING
    assert where["region"]["startLine"] == line_of(REPO / FAILING, "- name: roc_auc")
    assert perf["level"] == "error" and "0.712" in perf["message"]["text"]
    statuses = {r["properties"]["status"] for r in run["results"]}
    assert statuses == {"fail", "missing_evidence", "approval_required"}
    assert len(run["results"]) == len(doc["violations"]) + 1 + 1


def test_sarif_rule_help_uri_and_waiver_suppression(
    run: Any, write_bundle: Callable[[dict[str, str]], Path], write_facts: Any,
    sarif_validator: Draft4Validator, tmp_path: Path,
) -> None:  # fmt: skip
    bundle = write_bundle(
        {
            "mlgate/decision.rego": (
                "package mlgate\n\n"
                'decision := {"outcome": "pass", "risk_tier": "low", "violations": [],\n'
                '  "missing_evidence": [], "required_approvals": [], "waivers_applied": [w]}\n\n'
                'w := {"control": "T-1", "reason": "r", "ticket": "RISK-1", "approver": "a",\n'
                '  "expires_at": "2027-01-01T00:00:00Z"}\n\n'
                "# METADATA\n# title: Thing is right\n# related_resources:\n"
                "#   - ref: https://example.com/controls/T-1\n# custom:\n"
                "#   control_id: T-1\n#   severity: low\n"
                "violation contains v if { false; v := 1 }\n"
            )
        }
    )
    facts = write_facts(
        {"apiVersion": "mlgate/v1", "kind": "ModelFacts",
         "subject": {"name": "m", "version": "1", "risk_tier": "low"}}
    )  # fmt: skip
    out = tmp_path / "r.sarif"
    code, _, err = run(
        "check", "-f", str(facts), "-b", str(bundle), "-e", "embedded", "--no-log",
        "-o", f"sarif={out}",
    )  # fmt: skip
    assert code == 0, err
    log = json.loads(out.read_text())
    assert list(sarif_validator.iter_errors(log)) == []
    rule = log["runs"][0]["tool"]["driver"]["rules"][0]
    assert rule["helpUri"] == "https://example.com/controls/T-1"
    assert rule["defaultConfiguration"]["level"] == "note"
    (result,) = log["runs"][0]["results"]
    assert result["suppressions"][0]["status"] == "accepted"
    assert "RISK-1" in result["suppressions"][0]["justification"]
    line = result["locations"][0]["physicalLocation"]["region"]["startLine"]
    assert line == 16  # the rule head after its METADATA block


def test_github_escaping() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a,b: c%") == "a%2Cb%3A c%25"
    line = command("error", "x\ny", file="dir/a,b.yaml", line=3, title="T: 1")
    assert line == "::error file=dir/a%2Cb.yaml,line=3,title=T%3A 1::x%0Ay"


def test_github_annotations_and_step_summary(decide: Decide, tmp_path: Path) -> None:
    doc = decide(FAILING)
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    formatter = GithubFormatter(step_summary=str(summary))
    lines = formatter.render(Decision(doc)).splitlines()
    errors = [x for x in lines if x.startswith("::error ")]
    assert len(errors) == len(doc["violations"]) + len(doc["missing_evidence"])
    perf = next(x for x in errors if "MLG-PERF-001" in x)
    assert f"file={FAILING},line={line_of(REPO / FAILING, '- name: roc_auc')}" in perf
    assert any(x.startswith("::notice ") and "model_risk" in x for x in lines)
    ((path, text),) = formatter.appends(Decision(doc))
    assert path == summary and text.startswith("<!-- mlgate-report -->")
    assert GithubFormatter(step_summary=None).appends(Decision(doc)) == []


def test_markdown_comment(decide: Decide) -> None:
    doc = decide(FAILING)
    text = render("markdown", doc)
    assert text.startswith("<!-- mlgate-report -->\n## ❌ mlgate: FAIL")
    # decide() checks with --no-log: no decision to approve, so no command with its id
    assert f"mlgate approve {doc['decision_id']}" not in text
    assert "not recorded (`--no-log`)" in text
    assert "| ❌ | **MLG-PERF-001** Performance metrics meet tier minimums | high | fail |" in text
    assert "**MLG-PRIV-001** `/privacy/pii_scan`" in text
    assert "<details><summary>" in text  # passing controls folded away


def test_markdown_escapes_table_cells() -> None:
    from mlgate.report.markdown import cell

    assert cell("a|b\n<script>") == "a\\|b &lt;script&gt;"
