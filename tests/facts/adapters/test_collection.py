"""mlgate.collect: sources → fragments → validated, merged document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import mlgate
from mlgate.errors import FactsConflictError, FactsValidationError, InputError, UsageError
from mlgate.facts.adapters.base import AdapterOptions, FactsFragment, kinds, provenance
from mlgate.facts.collection import collect_facts, parse_source
from tests.facts.adapters.conftest import NOW, fixture

BOM = "cyclonedx:" + fixture("mlbom-1.6.json")


def declarations(tmp_path: Path, *entries: dict) -> str:
    base = {
        "asserted_by": "dana",
        "asserted_at": "2026-11-01T00:00:00Z",
        "evidence": "https://e.example/1",
        "expires_at": "2027-11-01T00:00:00Z",
    }
    path = tmp_path / "declarations.yaml"
    path.write_text(json.dumps({"declarations": [base | e for e in entries]}))
    return f"declarations:{path}"


def test_every_documented_kind_is_registered():
    assert set(kinds()) == {
        "mlflow", "fairlearn", "pip-audit", "osv", "cyclonedx", "openlineage",
        "huggingface", "evidently", "declarations", "ci",
    }  # fmt: skip


def test_sources_split_at_the_first_colon():
    assert parse_source("mlflow:models:/a/1") == ("mlflow", "models:/a/1")
    assert parse_source("ci") == ("ci", "")
    with pytest.raises(UsageError, match="KIND:LOCATION"):
        parse_source("audit.json")


def test_provenance_names_tool_location_digest_and_time():
    options = AdapterOptions(now=NOW)
    assert provenance("osv", options, file="a.json", data=b"x") == {
        "tool": "osv",
        "file": "a.json",
        "sha256": "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881",
        "collected_at": "2026-11-23T08:00:00Z",
    }


def test_several_sources_merge_into_one_valid_document(tmp_path):
    sources = [
        BOM,
        "evidently:" + fixture("evidently-testsuite-legacy.json"),
        "openlineage:" + fixture("openlineage.jsonl"),
        "ci:github",
    ]
    env = {"GITHUB_ACTIONS": "true", "GITHUB_SHA": "abc123", "GITHUB_ACTOR": "Dana"}
    result = collect_facts(sources, now=NOW, environ=env)
    doc = result.document
    assert doc["apiVersion"] == "mlgate/v1" and doc["kind"] == "ModelFacts"
    assert list(doc)[:3] == ["apiVersion", "kind", "subject"]
    assert doc["subject"]["name"] == "credit-risk-scorer"
    assert len(doc["lineage"]["data_quality"]) == 4 + 2  # evidently + openlineage
    assert doc["lineage"]["datasets"][0]["source"]["tool"] == "openlineage"
    assert doc["context"]["commit"] == "abc123" and doc["context"]["actor"] == "dana"
    assert result.origins == tuple(sources)
    assert any(w.startswith(BOM + ": metric 'f1'") for w in result.warnings)


def test_a_conflict_names_both_sources_unless_one_is_preferred():
    sources = [BOM, "pip-audit:" + fixture("pip-audit.json")]
    with pytest.raises(FactsConflictError) as caught:
        collect_facts(sources, now=NOW)
    message = caught.value.message
    assert "GHSA-9wx4-h78v-vm56" in message and "severity" in message
    assert "mlbom-1.6.json" in message and "pip-audit.json" in message
    doc = collect_facts(sources, prefer=["cyclonedx"], now=NOW).document
    (vuln,) = [v for v in doc["security"]["vulnerabilities"] if v["package"] == "requests"]
    assert vuln["severity"] == "medium"
    doc = collect_facts(sources, prefer=["pip-audit"], now=NOW).document
    (vuln,) = [v for v in doc["security"]["vulnerabilities"] if v["package"] == "requests"]
    assert vuln["severity"] == "unknown"


def test_prefer_must_name_a_given_source():
    with pytest.raises(UsageError, match="--prefer mlflow: no source"):
        collect_facts([BOM], prefer=["mlflow"], now=NOW)


def test_subject_from_picks_the_model_identity(tmp_path):
    other = declarations(tmp_path, {"fact": "/subject", "value": {"name": "x", "version": "9"}})
    with pytest.raises(FactsConflictError, match="subject/name"):
        collect_facts([BOM, other], now=NOW)
    doc = collect_facts([BOM], subject_from=other, now=NOW).document
    assert (doc["subject"]["name"], doc["subject"]["version"]) == ("x", "9")
    with pytest.raises(InputError, match="names no model version"):
        collect_facts([other], subject_from="pip-audit:" + fixture("pip-audit.json"), now=NOW)


def test_without_a_subject_the_result_is_invalid_and_says_how_to_fix_it():
    with pytest.raises(FactsValidationError, match="--subject-from") as caught:
        collect_facts(["pip-audit:" + fixture("pip-audit.json")], now=NOW)
    assert "/subject: is required" in caught.value.details


def test_an_adapter_fragment_that_breaks_the_schema_is_refused(tmp_path):
    bad = declarations(tmp_path, {"fact": "/subject/risk_tier", "value": "extreme"})
    with pytest.raises(FactsValidationError, match=r"declarations adapter: .* invalid fact") as e:
        collect_facts([BOM, bad], now=NOW)
    assert any(line.startswith("/subject/risk_tier:") for line in e.value.details)


def test_python_api_takes_ready_fragments_and_reports_warnings():
    source = {"tool": "notebook"}
    fragment = FactsFragment(
        "notebook",
        "cell-3",
        {"subject": {"name": "m", "version": "1"}, "metrics": [
            {"name": "AUC", "value": 0.9, "source": source}]},
        ("a warning",),
    )  # fmt: skip
    seen: list[str] = []
    doc = mlgate.collect([fragment], warn=seen.append)
    assert doc["metrics"][0]["name"] == "roc_auc"
    assert doc["metrics"][0]["name_as_reported"] == "AUC"
    assert seen == ["notebook:cell-3: a warning"]
    assert fragment.document["metrics"][0]["name"] == "AUC"  # the input is not modified


def test_file_adapters_import_no_heavy_library():
    import subprocess
    import sys

    code = (
        "import sys; from mlgate.facts.collection import collect_facts; "
        f"collect_facts(['pip-audit:{fixture('pip-audit.json')}', "
        f"'fairlearn:{fixture('fairlearn-export.json')}', "
        f"'huggingface:{fixture('hf-README.md')}'], "
        f"subject_from='cyclonedx:{fixture('mlbom-1.6.json')}', prefer=['cyclonedx']); "
        "print(sorted(m for m in ('mlflow', 'pandas', 'numpy', 'fairlearn', 'sklearn') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
