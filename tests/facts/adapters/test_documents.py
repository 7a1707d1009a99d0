"""Hugging Face card, OpenLineage, Evidently, declarations and CI adapters."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mlgate.errors import InputError
from mlgate.facts.adapters.base import AdapterOptions, get_adapter
from tests.facts.adapters.conftest import FIXTURES, NOW, fixture


def collect(kind: str, location: str, options: AdapterOptions):
    return get_adapter(kind, options).collect(location)


def test_huggingface_card_gives_author_reported_metrics_and_filled_sections(options):
    fragment = collect("huggingface", fixture("hf-README.md"), options)
    doc = fragment.document
    metrics = {m["name"]: m for m in doc["metrics"]}
    assert metrics["accuracy"]["value"] == 0.9316
    assert metrics["accuracy"]["dataset"] == "imdb" and metrics["accuracy"]["split"] == "test"
    assert metrics["accuracy"]["source"]["reported_by_author"] is True
    assert metrics["accuracy"]["verified"] is False
    # f1 given as a percentage is out of range: dropped, not rescaled
    assert "f1" not in metrics and any("'f1'" in w for w in fragment.warnings)
    card = doc["documentation"]["model_card"]
    assert card["license"] == "apache-2.0"
    # "Model description" and "Training and evaluation data" hold only the template filler;
    # the "Ethical considerations" line is inside a code block
    assert card["sections"] == ["intended_use", "limitations", "training_data", "evaluation"]
    assert doc["lineage"]["datasets"] == [
        {"name": "imdb", "role": "train", "source": card["source"]}
    ]
    assert doc["subject"] == {"intended_use": "Classify the sentiment of English movie reviews."}


def test_huggingface_directory_and_missing_front_matter(tmp_path, options):
    (tmp_path / "README.md").write_text("# A model\n\n## Limitations\n\nMany.\n")
    fragment = collect("huggingface", str(tmp_path), options)
    assert fragment.document["documentation"]["model_card"]["sections"] == ["limitations"]
    assert "metrics" not in fragment.document and "license" not in str(fragment.document)
    assert fragment.warnings == ("the card has no YAML front matter",)


def test_huggingface_refuses_unclosed_front_matter(tmp_path, options):
    card = tmp_path / "README.md"
    card.write_text("---\nlicense: mit\n# no closing line\n")
    with pytest.raises(InputError, match=r"huggingface adapter: .*README.md: .*no closing '---'"):
        collect("huggingface", str(card), options)


def test_openlineage_events_merge_into_datasets_checks_and_jobs(options):
    doc = collect("openlineage", fixture("openlineage.jsonl"), options).document["lineage"]
    train, model = doc["datasets"]
    assert train["name"] == "credit/applications/train" and train["role"] == "train"
    assert (
        train["namespace"] == "s3://lake" and train["uri"] == "s3://lake/credit/applications/train"
    )
    assert train["rows"] == 120000 and train["version"] == "42"
    assert train["owners"] == ["team:risk-data"]
    assert [c["name"] for c in train["columns"]] == ["application_id", "income"]
    assert model["direction"] == "output" and model["role"] == "other"
    checks = {c["name"]: c["passed"] for c in doc["data_quality"]}
    assert checks == {
        "credit/applications/train:not_null (application_id)": True,
        "credit/applications/train:row_count_above_minimum": False,
    }
    (job,) = doc["jobs"]
    assert job["run_id"] == "0193a4c2-6f1e-7d3a-9b1c-2f4e5a6b7c8d" and job["state"] == "COMPLETE"
    assert job["namespace"] == "credit-pipelines" and job["name"] == "train_credit_model"


def test_openlineage_reads_a_directory_of_json_files_and_warns_on_failed_runs(tmp_path, options):
    lines = Path(fixture("openlineage.jsonl")).read_text().splitlines()
    failed = json.loads(lines[1]) | {"eventType": "FAIL"}
    (tmp_path / "a.json").write_text(lines[0])
    (tmp_path / "b.json").write_text(json.dumps([failed]))
    fragment = collect("openlineage", str(tmp_path), options)
    assert fragment.document["lineage"]["jobs"][0]["state"] == "FAIL"
    assert any("ended FAIL" in w for w in fragment.warnings)


def test_openlineage_refuses_a_non_event(tmp_path, options):
    path = tmp_path / "x.json"
    path.write_text('{"hello": "world"}')
    with pytest.raises(InputError, match=r"openlineage adapter: .*x.json: event 0: not an Open"):
        collect("openlineage", str(path), options)


def test_evidently_legacy_report_gives_drift_checks(options):
    doc = collect("evidently", fixture("evidently-report-legacy.json"), options).document
    checks = {c["name"]: c for c in doc["lineage"]["data_quality"]}
    assert set(checks) == {"dataset_drift", "column_drift:income", "column_drift:age"}
    assert checks["dataset_drift"]["passed"] is True
    assert checks["dataset_drift"]["details"].startswith("1 of 4 columns drifted")
    assert checks["column_drift:income"]["passed"] is False
    assert checks["column_drift:age"]["passed"] is True


def test_evidently_test_suite_maps_statuses_and_skips_skipped(options):
    doc = collect("evidently", fixture("evidently-testsuite-legacy.json"), options).document
    checks = [(c["name"], c["passed"], c["status"]) for c in doc["lineage"]["data_quality"]]
    assert checks == [
        ("Share of Drifted Columns", True, "SUCCESS"),
        ("The Share of Missing Values in a Column", False, "FAIL"),
        ("The Share of Missing Values in a Column [2]", True, "SUCCESS"),
        ("Number of Constant Columns", False, "WARNING"),
    ]


def test_evidently_0_7_snapshot_uses_tests_not_bare_metric_values(options):
    fragment = collect("evidently", fixture("evidently-snapshot-0.7.json"), options)
    checks = {c["name"]: c["passed"] for c in fragment.document["lineage"]["data_quality"]}
    assert checks == {
        "Share of Drifted Columns: Less 0.5": True,
        "Value drift for income: Less 0.1": False,
    }


def test_evidently_without_verdicts_warns_and_gives_nothing(tmp_path, options):
    path = tmp_path / "r.json"
    path.write_text('{"metrics": [{"metric_id": "RowCount()", "value": 10}]}')
    fragment = collect("evidently", str(path), options)
    assert fragment.document == {} and "include_tests=True" in fragment.warnings[0]


def test_declarations_place_values_with_attestations_and_drop_expired(options):
    fragment = collect("declarations", fixture("declarations.yaml"), options)
    doc = fragment.document
    assessment = doc["privacy"]["impact_assessment"]
    assert assessment["completed"] is True
    (statement,) = assessment["source"]["statements"]
    assert statement["asserted_by"] == "dpo@example.com"
    assert statement["evidence"] == "https://grc.example.com/dpia/2291"
    assert statement["expires_at"] == "2027-10-01T00:00:00Z"
    assert doc["privacy"]["consent_basis"]["basis"] == "contract"
    (check,) = doc["lineage"]["leakage_checks"]
    assert check["name"] == "train_test_row_overlap" and check["source"]["tool"] == "declarations"
    assert "pii_scan" not in doc["privacy"]
    (warning,) = fragment.warnings
    assert "/privacy/pii_scan/performed" in warning and "expired" in warning


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ({"fact": "/privacy/x", "value": 1}, "missing asserted_by, asserted_at"),
        ({"fact": "privacy", "value": 1}, "is not a JSON pointer"),
        ({"fact": "/nonsense/x", "value": 1}, "is not in a facts section"),
        ({"fact": "/privacy/x", "value": 1, "asserted_at": "yesterday"}, "not an RFC 3339"),
        ({"fact": "/privacy/x", "value": 1, "asserted_at": "2099-01-01T00:00:00Z"}, "future"),
    ],
)
def test_declarations_refuse_bad_statements(tmp_path, options, entry, problem):
    full = {
        "asserted_by": "a",
        "asserted_at": "2026-01-01T00:00:00Z",
        "evidence": "https://e",
        "expires_at": "2099-01-01T00:00:00Z",
    }
    if "missing" in problem:
        full = {}
    path = tmp_path / "d.yaml"
    path.write_text(json.dumps({"declarations": [full | entry]}))
    with pytest.raises(InputError, match=rf"declarations adapter: .*d.yaml: .*{problem}"):
        collect("declarations", str(path), options)


GITHUB = {
    "GITHUB_ACTIONS": "true",
    "GITHUB_SHA": "5e3a9c1f",
    "GITHUB_REF_NAME": "main",
    "GITHUB_SERVER_URL": "https://github.com",
    "GITHUB_REPOSITORY": "acme/credit",
    "GITHUB_RUN_ID": "4411",
    "GITHUB_ACTOR": "ci-bot",
}


def test_ci_reads_github_actions():
    options = AdapterOptions(now=NOW, environ=GITHUB)
    context = collect("ci", "", options).document["context"]
    assert context["commit"] == "5e3a9c1f" and context["branch"] == "main"
    assert context["pipeline"] == "https://github.com/acme/credit/actions/runs/4411"
    assert context["actor"] == "ci-bot"
    assert context["source"]["run_id"] == "4411" and context["source"]["provider"] == "github"


def test_ci_reads_gitlab_and_leaves_unset_variables_absent():
    env = {"GITLAB_CI": "true", "CI_COMMIT_SHA": "abc", "CI_PIPELINE_URL": "https://gl/p/1"}
    context = collect("ci", "gitlab", AdapterOptions(now=NOW, environ=env)).document["context"]
    assert context["commit"] == "abc" and context["pipeline"] == "https://gl/p/1"
    assert "branch" not in context and "actor" not in context


def test_ci_refuses_when_not_in_ci(options):
    with pytest.raises(InputError, match="ci adapter: github: not running in github CI"):
        collect("ci", "github", options)


def test_fixture_files_are_what_the_tests_say():
    assert (FIXTURES / "pip-audit.json").read_text().startswith('{"dependencies": ')


RUN_EVENT = {
    "eventType": "COMPLETE",
    "eventTime": "2026-11-20T09:00:00Z",
    "run": {"runId": "r1"},
    "job": {"namespace": "ml", "name": "train"},
}


@pytest.mark.parametrize(
    ("kind", "name", "content", "message"),
    [
        ("huggingface", "README.md", "", "the model card is empty"),
        ("huggingface", "README.md", "---\ndatasets: 5\n---\n# Card\n", "unexpected shape"),
        ("openlineage", "events.jsonl", "\n  \n", "no OpenLineage events in it"),
        ("openlineage", "events.json", "[]", "no OpenLineage events in it"),
        ("openlineage", "events.json", json.dumps({**RUN_EVENT, "inputs": 5}), "unexpected shape"),
        (
            "openlineage",
            "events.json",
            json.dumps(
                {
                    **RUN_EVENT,
                    "inputs": [
                        {
                            "namespace": "s3",
                            "name": "train.csv",
                            "inputFacets": {
                                "dataQualityAssertions": {
                                    "assertions": [{"assertion": "not_null", "success": "false"}]
                                }
                            },
                        }
                    ],
                }
            ),
            "has success 'false', not true or false",
        ),
        (
            "evidently",
            "report.json",
            json.dumps(
                {"metrics": [{"metric": "DatasetDriftMetric", "result": {"dataset_drift": "true"}}]}
            ),
            "/metrics/0/result/dataset_drift: the verdict 'true' is not true or false",
        ),
        (
            "evidently",
            "report.json",
            json.dumps(
                {
                    "metrics": [
                        {
                            "metric": "DataDriftTable",
                            "result": {"drift_by_columns": {"age": {"drift_detected": 1}}},
                        }
                    ]
                }
            ),
            "drift_by_columns/age/drift_detected: the verdict 1 is not true or false",
        ),
    ],
)
def test_a_document_that_would_drop_or_invent_evidence_is_refused(
    tmp_path: Path, options: AdapterOptions, kind: str, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(InputError, match=re.escape(message)):
        collect(kind, str(path), options)
