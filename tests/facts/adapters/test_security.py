"""pip-audit, OSV and CycloneDX adapters, on real-format reports."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from mlgate.errors import InputError
from mlgate.facts.adapters import _cvss
from mlgate.facts.adapters.base import AdapterOptions, get_adapter
from tests.facts.adapters.conftest import fixture


def collect(kind: str, location: str, options: AdapterOptions) -> dict:
    return get_adapter(kind, options).collect(location).document


def by_id(vulns: list[dict]) -> dict[str, dict]:
    return {v["id"]: v for v in vulns}


def test_pip_audit_report_gives_vulnerabilities_with_unknown_severity(options):
    path = fixture("pip-audit.json")
    fragment = get_adapter("pip-audit", options).collect(path)
    security = fragment.document["security"]
    vulns = by_id(security["vulnerabilities"])
    assert set(vulns) == {"GHSA-9wx4-h78v-vm56", "GHSA-h5c8-rqwp-cp95", "GHSA-h75v-3vvj-5mfj"}
    requests = vulns["GHSA-9wx4-h78v-vm56"]
    assert requests["package"] == "requests" and requests["version"] == "2.31.0"
    assert requests["aliases"] == ["CVE-2024-35195"]
    assert requests["fix_versions"] == ["2.32.0"]
    # pip-audit states no severity: never guessed low
    assert {v["severity"] for v in vulns.values()} == {"unknown"}
    source = requests["source"]
    assert source["tool"] == "pip-audit" and source["file"] == path
    assert source["sha256"] == hashlib.sha256(Path(path).read_bytes()).hexdigest()
    assert source["collected_at"] == "2026-11-23T08:00:00Z"
    scan = security["scans"][0]
    assert scan["tool"] == "pip-audit" and scan["dependencies"] == 3 and scan["skipped"] == 1
    assert "completed_at" not in scan
    assert any("private-lib" in w for w in fragment.warnings)


def test_pip_audit_rejects_a_cyclonedx_bom(options):
    with pytest.raises(InputError, match=r"pip-audit adapter: .*mlbom-1.6.json: .*CycloneDX"):
        collect("pip-audit", fixture("mlbom-1.6.json"), options)


def test_osv_scanner_output_takes_severity_from_scores_and_vectors(options):
    vulns = by_id(
        collect("osv", fixture("osv-scanner.json"), options)["security"]["vulnerabilities"]
    )
    assert vulns["GHSA-9wx4-h78v-vm56"]["severity"] == "medium"  # max_severity 5.6
    assert vulns["PYSEC-2023-175"]["severity"] == "high"  # 7.5
    assert vulns["GHSA-3f63-hfp8-52jq"]["severity"] == "high"  # 8.1
    assert vulns["PYSEC-2099-1"]["severity"] == "unknown"  # a CVSS v4 vector only
    assert vulns["PYSEC-2023-175"]["fix_versions"] == ["10.0.0"]
    assert vulns["PYSEC-2023-175"]["version"] == "9.0.0"
    assert vulns["PYSEC-2099-1"].get("fix_versions") is None


def test_osv_record_is_scored_from_its_vector_and_has_no_version(options):
    (vuln,) = collect("osv", fixture("osv-record.json"), options)["security"]["vulnerabilities"]
    assert vuln["severity"] == "critical"  # CVSS:3.1 .../S:C/C:H/I:H/A:H is 10.0
    assert vuln["package"] == "org.apache.logging.log4j:log4j-core"
    assert vuln["fix_versions"] == ["2.3.1", "2.12.2", "2.15.0"]
    assert "version" not in vuln


def test_osv_falls_back_to_the_stated_word(tmp_path, options):
    record = json.loads(Path(fixture("osv-record.json")).read_text())
    del record["severity"]
    record["database_specific"]["severity"] = "MODERATE"
    path = tmp_path / "osv.json"
    path.write_text(json.dumps({"vulns": [record]}))
    (vuln,) = collect("osv", str(path), options)["security"]["vulnerabilities"]
    assert vuln["severity"] == "medium"


@pytest.mark.parametrize(
    ("vector", "score"),
    [
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0),
        ("CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:H/I:H/A:N", 5.6),
        ("CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 6.4),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0),
    ],
)
def test_cvss_v3_base_scores_match_the_specification(vector, score):
    assert _cvss.v3_base_score(vector) == score


def test_cvss_v2_and_bands():
    assert _cvss.v2_base_score("AV:N/AC:L/Au:N/C:P/I:P/A:P") == 7.5
    assert _cvss.from_text("AV:N/AC:L/Au:N/C:P/I:P/A:P") == "high"
    assert _cvss.from_text("9.0") == "critical" and _cvss.from_text("3.9") == "low"
    assert _cvss.from_text("CVSS:3.1/AV:X") is None
    assert _cvss.worst(["unknown", "low", "high"]) == "high"
    assert _cvss.worst(["unknown"]) == "unknown"


def test_cyclonedx_ml_bom_gives_model_card_metrics_components_and_vulns(options):
    fragment = get_adapter("cyclonedx", options).collect(fixture("mlbom-1.6.json"))
    doc = fragment.document
    assert doc["subject"]["name"] == "credit-risk-scorer" and doc["subject"]["version"] == "14"
    metrics = {m["name"]: m for m in doc["metrics"]}
    assert metrics["roc_auc"]["value"] == 0.874 and metrics["roc_auc"]["slice"] == {
        "slice": "holdout"
    }
    assert metrics["accuracy"]["source"]["reported_by_author"] is True
    assert "f1" not in metrics and any("'n/a'" in w for w in fragment.warnings)
    card = doc["documentation"]["model_card"]
    assert card["license"] == "Apache-2.0"
    # users: [] is empty, so it is not a section the card has
    assert card["sections"] == [
        "intended_use", "limitations", "ethical_considerations", "training_data", "evaluation"
    ]  # fmt: skip
    names = [c["name"] for c in doc["security"]["sbom"]["components"]]
    assert names == ["scikit-learn", "requests"]
    (vuln,) = doc["security"]["vulnerabilities"]
    assert (vuln["package"], vuln["version"], vuln["severity"]) == ("requests", "2.31.0", "medium")
    assert doc["security"]["scans"][0]["completed_at"] == "2026-11-20T09:05:00Z"


def test_cyclonedx_reads_a_bom_made_by_cyclonedx_python_lib(tmp_path, options):
    from cyclonedx.model.bom import Bom
    from cyclonedx.model.component import Component, ComponentType
    from cyclonedx.model.license import LicenseExpression
    from cyclonedx.output.json import JsonV1Dot6

    bom = Bom()
    bom.components.add(
        Component(
            name="numpy",
            version="2.1.0",
            type=ComponentType.LIBRARY,
            licenses=[LicenseExpression("BSD-3-Clause")],
        )
    )
    path = tmp_path / "bom.json"
    path.write_text(JsonV1Dot6(bom).output_as_string())
    doc = collect("cyclonedx", str(path), options)
    (component,) = doc["security"]["sbom"]["components"]
    assert component == {
        "name": "numpy", "version": "2.1.0", "type": "library", "licenses": ["BSD-3-Clause"]
    }  # fmt: skip
    assert "subject" not in doc and "vulnerabilities" not in doc["security"]


def test_cyclonedx_refuses_pip_audit_json_naming_the_right_adapter(options):
    with pytest.raises(InputError) as caught:
        collect("cyclonedx", fixture("pip-audit.json"), options)
    message = caught.value.message
    assert message.startswith("cyclonedx adapter: ")
    assert "pip-audit.json" in message and "not a CycloneDX BOM" in message
    assert "use pip-audit:FILE" in message


def test_cyclonedx_refuses_an_unsupported_spec_version(options):
    with pytest.raises(InputError, match=r"specVersion '1\.4' is not supported"):
        collect("cyclonedx", fixture("pip-audit-cyclonedx-1.4.json"), options)


def test_cyclonedx_refuses_a_bom_the_official_schema_rejects(tmp_path, options):
    bom = json.loads(Path(fixture("mlbom-1.6.json")).read_text())
    bom["components"][0]["type"] = "spaceship"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bom))
    with pytest.raises(InputError, match=r"invalid CycloneDX 1.6: /components/0/type: "):
        collect("cyclonedx", str(path), options)


def test_a_clean_pip_audit_report_is_an_empty_list_not_an_absence(tmp_path, options):
    path = tmp_path / "clean.json"
    path.write_text('{"dependencies": [{"name": "numpy", "version": "2.1.0", "vulns": []}]}')
    security = collect("pip-audit", str(path), options)["security"]
    assert security["vulnerabilities"] == []
    assert security["scans"][0]["dependencies"] == 1


PIP_AUDIT_DEP = {"name": "requests", "version": "2.31.0"}


@pytest.mark.parametrize(
    ("kind", "doc", "message"),
    [
        ("pip-audit", {"dependencies": [PIP_AUDIT_DEP]}, "/dependencies/0: no vulns list"),
        (
            "pip-audit",
            {"dependencies": [{"name": "a", "skip_reason": "not on PyPI"}]},
            "every dependency was skipped",
        ),
        (
            "pip-audit",
            {"dependencies": [{**PIP_AUDIT_DEP, "vulns": [{"id": "X", "fix_versions": "1.2"}]}]},
            "/dependencies/0/vulns/0/fix_versions is not a list of text",
        ),
        ("pip-audit", {"dependencies": [{"name": "a", "version": 2, "vulns": []}]}, "version"),
        (
            "osv",
            {"results": [{"packages": [{"package": {"name": "requests", "version": "2.0"}}]}]},
            "/results/0/packages/0/vulnerabilities is missing",
        ),
        ("osv", {"results": [{"source": {}}]}, "/results/0/packages is missing"),
        ("osv", {}, "{} holds no scan"),
        ("osv", [], "[] holds no scan"),
    ],
)
def test_a_scan_with_a_gap_is_refused_not_read_as_clean(
    tmp_path: Path, options: AdapterOptions, kind: str, doc: object, message: str
) -> None:
    path = tmp_path / "scan.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(InputError, match=re.escape(message)):
        collect(kind, str(path), options)


def test_a_cyclonedx_vulnerability_without_affects_is_refused(tmp_path, options):
    bom = json.loads(Path(fixture("mlbom-1.6.json")).read_text())
    del bom["vulnerabilities"][0]["affects"]
    path = tmp_path / "bom.json"
    path.write_text(json.dumps(bom))
    with pytest.raises(InputError, match="names no affected component"):
        collect("cyclonedx", str(path), options)


def test_a_device_is_not_read_as_a_tool_file(options):
    with pytest.raises(InputError, match="is not a regular file"):
        collect("pip-audit", "/dev/zero", options)
