"""``mlgate bundle …`` end to end: help with examples, exit codes, bad input closed (exit 2)."""

from __future__ import annotations

import io
import json
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from mlgate.cli.main import main
from mlgate.facts.validate import validate
from tests.bundles.bundle_fixtures import CASES_DIR, KeyFiles, keys, policy_dir

__all__ = ["keys", "policy_dir"]

Run = Callable[..., tuple[int, str, str]]
COMMANDS = ("build", "verify", "inspect", "skeleton", "test", "lint", "diff", "serve", "push")


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    def _run(*argv: str) -> tuple[int, str, str]:
        code = main([*argv])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(run: Run, command: str) -> None:
    code, out, _ = run("bundle", command, "--help")
    assert code == 0
    assert f"Example: mlgate bundle {command}" in " ".join(out.split())


def test_build_then_verify_exit_codes(
    run: Run, policy_dir: Path, keys: KeyFiles, tmp_path: Path
) -> None:
    out_file = tmp_path / "b.tar.gz"
    code, out, err = run(
        "bundle", "build", str(policy_dir), "-o", str(out_file),
        "--signing-key", str(keys.rsa), "--key-id", "k1", "--revision", "r9",
    )  # fmt: skip
    assert code == 0, err
    assert "revision r9" in out and "signed RS256, key id k1" in out
    code, out, _ = run("bundle", "verify", str(out_file), "--verification-key", str(keys.rsa_pub))
    assert code == 0 and "verified" in out
    code, _, err = run(
        "bundle", "verify", str(out_file), "--verification-key", str(keys.other_rsa_pub)
    )
    assert code == 2 and err.count("\n") == 1 and "signature does not match" in err
    code, _, err = run(
        "bundle", "verify", str(out_file), "--verification-key", str(keys.rsa_pub),
        "--key-id", "other",
    )  # fmt: skip
    assert code == 2 and "expected 'other'" in err


def test_signing_options_without_a_key_are_a_usage_error(
    run: Run, policy_dir: Path, tmp_path: Path
) -> None:
    code, _, err = run(
        "bundle", "build", str(policy_dir), "-o", str(tmp_path / "x"), "--key-id", "k"
    )
    assert code == 2 and "need --signing-key" in err


def test_a_key_in_the_wrong_format_exits_2(run: Run, policy_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "key.pem"
    bad.write_text("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI user@host\n")
    code, _, err = run(
        "bundle",
        "build",
        str(policy_dir),
        "-o",
        str(tmp_path / "b.tar.gz"),
        "--signing-key",
        str(bad),
    )
    assert code == 2 and "not a PEM key" in err
    assert not (tmp_path / "b.tar.gz").exists()


def test_a_corrupt_archive_exits_2(run: Run, tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.tar.gz"
    corrupt.write_bytes(b"\x1f\x8b\x08\x00" + b"garbage" * 20)
    for command in ("inspect", "lint", "test"):
        code, _, err = run("bundle", command, str(corrupt))
        assert code == 2, command
        assert "not a readable bundle archive" in err and "Traceback" not in err


def test_an_archive_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    from mlgate.bundles.source import read_files
    from mlgate.errors import BundleError

    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:gz") as tar:
        content = b"package big\n" + b"# padding\n" * 50_000
        info = tarfile.TarInfo("big/p.rego")
        info.size = len(content)
        tar.addfile(info, io.BytesIO(content))
    archive = tmp_path / "big.tar.gz"
    archive.write_bytes(raw.getvalue())
    with pytest.raises(BundleError, match=r"exceeds the 0 MB limit|size limit"):
        read_files(archive, max_bytes=100_000)


def test_data_files_with_duplicate_keys_exit_2(run: Run, policy_dir: Path, tmp_path: Path) -> None:
    (policy_dir / "mlgate" / "extra").mkdir()
    (policy_dir / "mlgate" / "extra" / "data.json").write_text('{"a": 1, "a": 2}')
    code, _, err = run("bundle", "build", str(policy_dir), "-o", str(tmp_path / "b.tar.gz"))
    assert code == 2 and "duplicate key 'a'" in err
    (policy_dir / "mlgate" / "extra" / "data.json").unlink()
    (policy_dir / "mlgate" / "extra" / "data.yaml").write_text("a: 1\nb: 2\na: 3\n")
    code, _, err = run("bundle", "lint", str(policy_dir))
    assert code == 2 and "duplicate key 'a'" in err


def test_overlapping_manifest_roots_exit_2(run: Run, policy_dir: Path) -> None:
    manifest = json.loads((policy_dir / ".manifest").read_text())
    manifest["roots"] = ["mlgate", "mlgate/thresholds"]
    (policy_dir / ".manifest").write_text(json.dumps(manifest))
    code, _, err = run("bundle", "inspect", str(policy_dir))
    assert code == 2 and "roots 'mlgate' and 'mlgate/thresholds' overlap" in err


def test_inspect_json_lists_controls_thresholds_and_needed_facts(run: Run) -> None:
    code, out, _ = run("bundle", "inspect", "rego", "--format", "json")
    info = json.loads(out)
    assert code == 0 and info["roots"] == ["mlgate"] and not info["signed"]
    assert {"low", "medium", "high"} <= set(info["thresholds"])
    perf = next(c for c in info["controls"] if c["id"] == "MLG-PERF-001")
    assert perf["severity"] == "high" and "eu_ai_act" in perf["frameworks"]
    assert "MLG-PERF-001" in info["required_facts"]["/metrics"]


def test_skeleton_is_a_facts_template_refused_until_filled_in(run: Run, tmp_path: Path) -> None:
    """Issue 19: the template used to validate as it was (TODO, false, 0 and all)."""
    target = tmp_path / "facts.yaml"
    code, _, err = run("bundle", "skeleton", "rego", "--tier", "high", "-o", str(target))
    assert code == 0, err
    doc = yaml.safe_load(target.read_text())
    assert doc["subject"]["risk_tier"] == "high"
    assert {m["name"] for m in doc["metrics"]} >= {"roc_auc"}
    reasons = {p.reason.split(":")[0] for p in validate(doc).errors}
    assert reasons <= {"still holds the template placeholder TODO", "is required"} | {
        r for r in reasons if r.startswith("'TODO' is not one of")
    }
    assert "/subject/name: still holds the template placeholder TODO: fill it in" in [
        str(p) for p in validate(doc).errors
    ]
    for command in (["facts", "validate", str(target)], ["check", "-f", str(target)]):
        code, out, err = run(*command)
        assert code == 2 and "still holds the template placeholder TODO" in err
        assert not out.startswith(("PASS", "FAIL"))


def _leaves(node: object, path: str = "") -> dict[str, object]:
    if isinstance(node, dict):
        return {
            k: v for key, item in node.items() for k, v in _leaves(item, f"{path}/{key}").items()
        }
    if isinstance(node, list):
        return {
            k: v for i, item in enumerate(node) for k, v in _leaves(item, f"{path}/{i}").items()
        }
    return {path: node}


def test_skeleton_for_a_release_gate_answers_nothing_it_does_not_know(run: Run) -> None:
    """No monitoring section (check does not read it), no false and no 0: an unknown
    answer is absent (missing evidence), a choice is TODO, a measurement null."""
    code, out, _ = run("bundle", "skeleton", "rego", "--tier", "high", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert "monitoring" not in doc and "MLG-MON" not in out
    leaves = _leaves(doc)
    assert [p for p, v in leaves.items() if v is False or (v == 0 and v is not None)] == []
    assert leaves["/privacy/consent_basis/basis"] == "TODO"  # was 'consent': a pass
    assert leaves["/change/previous_version"] == "TODO"  # was null: "a first release"
    assert "passed" not in doc["lineage"]["leakage_checks"][0]  # was false: a violation
    assert "findings" not in doc["privacy"]["pii_scan"]  # was 0: "none found"
    assert leaves["/metrics/0/value"] is None


def test_bundle_test_passes_on_the_shipped_bundle_and_reports_coverage(run: Run) -> None:
    code, out, _ = run("bundle", "test", "rego", "--cases", str(CASES_DIR), "--coverage")
    assert code == 0
    assert "cases" in out and "Rego tests passed" in out and "coverage:" in out


def test_bundle_test_fails_on_a_wrong_expectation(run: Run, tmp_path: Path) -> None:
    case = yaml.safe_load((CASES_DIR / "perf_auc_exact_threshold_passes.yaml").read_text())
    case["expect"]["outcome"] = "fail"
    (tmp_path / "wrong.yaml").write_text(yaml.safe_dump(case))
    code, out, _ = run("bundle", "test", "rego", "--cases", str(tmp_path))
    assert code == 1 and "FAIL case" in out and "expected fail" in out


def test_lint_fails_on_a_rule_without_metadata(run: Run, policy_dir: Path) -> None:
    (policy_dir / "mlgate" / "controls" / "extra.rego").write_text(
        'package mlgate.controls.extra\n\nviolation contains v if {\n\tv := {"control": "X"}\n}\n'
    )
    code, out, _ = run("bundle", "lint", str(policy_dir))
    assert code == 1 and "extra.rego:3: error [metadata-missing]" in out


def test_lint_reports_yaml_that_older_opa_reads_otherwise(
    run: Run, policy_dir: Path, tmp_path: Path
) -> None:
    (policy_dir / "mlgate" / "extra").mkdir()
    (policy_dir / "mlgate" / "extra" / "data.yaml").write_text("# flags\nnotify: true\npage: off\n")
    line = 3
    code, out, _ = run("bundle", "lint", str(policy_dir))
    assert code == 1
    assert f"mlgate/extra/data.yaml:{line}: error [yaml-version] `off`" in out
    archive = tmp_path / "b.tar.gz"
    assert run("bundle", "build", str(policy_dir), "-o", str(archive))[0] == 0
    code, out, _ = run("bundle", "lint", str(archive), "--format", "json")
    assert code == 1
    assert [f["line"] for f in json.loads(out) if f["code"] == "yaml-version"] == [line]


def test_inspect_and_skeleton_refuse_a_bundle_that_does_not_parse(
    run: Run, policy_dir: Path
) -> None:
    (policy_dir / "mlgate" / "broken.rego").write_text("package mlgate.broken\nx := \n")
    for command in ("inspect", "skeleton"):
        code, out, err = run("bundle", command, str(policy_dir))
        assert code == 2 and out == "" and "broken.rego:3:1" in err


@pytest.mark.parametrize("tier", ["nosuch", ""])
def test_skeleton_refuses_a_tier_the_bundle_does_not_define(run: Run, tier: str) -> None:
    code, out, err = run("bundle", "skeleton", "rego", "--tier", tier)
    assert code == 2 and out == ""
    assert "the bundle defines the tiers high, low, medium" in err


def test_inspect_says_a_signature_is_present_not_that_it_is_valid(
    run: Run, policy_dir: Path
) -> None:
    (policy_dir / ".signatures.json").write_text("garbage")
    code, out, _ = run("bundle", "inspect", str(policy_dir))
    assert code == 0 and "has .signatures.json (not verified here" in out
    assert "signed    yes" not in out


@pytest.mark.parametrize(
    ("revision", "message"),
    [
        ("a\nb", "control characters (a newline) are not allowed"),
        ("", "give a revision"),
        (" v1 ", "without surrounding blanks"),
    ],
)
def test_build_refuses_a_revision_that_is_not_one_clean_line(
    run: Run, tmp_path: Path, revision: str, message: str
) -> None:
    out = tmp_path / "b.tar.gz"
    code, _, err = run("bundle", "build", "rego", "-o", str(out), "--revision", revision)
    assert code == 2 and message in err and not out.exists()
