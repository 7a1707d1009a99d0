"""``bundle test``: Rego tests and golden cases through the embedded engine, and coverage."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlgate.authoring.testing import case_files, rego_tests, run_tests
from mlgate.bundles.load import load_bundle
from tests.bundles.bundle_fixtures import CASES_DIR, policy_dir

__all__ = ["policy_dir"]


def test_shipped_tests_and_cases_pass_and_coverage_names_unexercised_controls() -> None:
    bundle = load_bundle("rego")
    report = run_tests(bundle, case_files([CASES_DIR]))
    assert report.failed == []
    assert (
        sum(r.kind == "rego" for r in report.results)
        == sum(map(len, rego_tests(bundle).values()))
        > 100
    )
    assert sum(r.kind == "case" for r in report.results) == len(list(CASES_DIR.glob("*.yaml")))
    assert "MLG-PERF-001" in report.exercised and "MLG-APR-001" in report.exercised
    assert set(report.uncovered) == set(report.controls) - report.exercised


def test_failing_and_erroring_rego_tests_are_reported(policy_dir: Path) -> None:
    (policy_dir / "mlgate" / "extra_test.rego").write_text(
        "package mlgate.extra_test\n\n"
        "test_false if false\n\n"
        "test_true if true\n\n"
        "test_error if 1 / 0 == 1\n"
    )
    report = run_tests(load_bundle(policy_dir), [])
    failed = {r.name: r.detail for r in report.failed}
    assert set(failed) == {"mlgate.extra_test.test_false", "mlgate.extra_test.test_error"}
    assert "undefined" in failed["mlgate.extra_test.test_false"]
    assert "divide by zero" in failed["mlgate.extra_test.test_error"]


@pytest.mark.parametrize(
    ("expect", "why"),
    [("", "is missing or not an object"), ("expect: {}\n", "is empty: it checks nothing")],
)
def test_a_case_without_expectations_fails(tmp_path: Path, expect: str, why: str) -> None:
    (tmp_path / "c.yaml").write_text("name: empty\nfacts: {apiVersion: mlgate/v1}\n" + expect)
    report = run_tests(load_bundle("rego"), case_files([tmp_path]))
    case = next(r for r in report.results if r.kind == "case")
    assert not case.passed and case.detail.endswith(f"the case's `expect` {why}")


def test_a_bundle_with_no_test_at_all_does_not_pass(
    policy_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from mlgate.cli.main import main

    for test in policy_dir.rglob("*_test.rego"):
        test.unlink()
    assert main(["bundle", "test", str(policy_dir)]) == 1
    assert "no tests ran (no case files and no *_test.rego tests)" in capsys.readouterr().err
    empty = tmp_path / "cases"
    empty.mkdir()
    assert main(["bundle", "test", str(policy_dir), "--cases", str(empty)]) == 2
    assert "no case files" in capsys.readouterr().err
