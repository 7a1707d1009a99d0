"""``mlgate check`` end to end: exit codes, outputs, and every failure closed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from mlgate.cli.main import main
from tests.conftest import REPO, minimal_facts

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    def _run(*argv: str) -> tuple[int, str, str]:
        code = main([*argv])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


@pytest.mark.parametrize(
    ("want", "code", "verdict"),
    [
        ("pass", 0, "PASS"),
        ("fail", 1, "FAIL"),
        ("needs_approval", 3, "NEEDS APPROVAL"),
        ("insufficient_evidence", 4, "INSUFFICIENT EVIDENCE"),
    ],
)
def test_each_outcome_has_its_exit_code(
    run: Run,
    echo_bundle: Path,
    write_facts: Callable[..., Path],
    want: str,
    code: int,
    verdict: str,
) -> None:
    facts = write_facts(minimal_facts(want=want))
    rc, out, _ = run("check", "--facts", str(facts), "--bundle", str(echo_bundle), "-e", "embedded")
    assert rc == code
    assert out.startswith(verdict)


def test_text_output_names_control_expected_actual_and_source(
    run: Run, echo_bundle: Path, write_facts: Callable[..., Path]
) -> None:
    facts = write_facts(minimal_facts(want="fail"))
    _, out, _ = run("check", "-f", str(facts), "-b", str(echo_bundle), "-e", "embedded")
    line = out.splitlines()[1]
    assert "T-1" in line and "expected 0.8, actual 0.5" in line and "[unit: eval.json]" in line


def test_json_output_is_a_valid_decision_document(
    run: Run, echo_bundle: Path, write_facts: Callable[..., Path]
) -> None:
    facts = write_facts(minimal_facts(want="needs_approval"))
    rc, out, _ = run(
        "check", "-f", str(facts), "-b", str(echo_bundle), "-e", "embedded", "--format", "json"
    )
    doc = json.loads(out)
    schema = json.loads((REPO / "schemas/decision.schema.json").read_text())
    assert list(Draft202012Validator(schema).iter_errors(doc)) == []
    assert rc == 3 and doc["outcome"] == "needs_approval"
    assert doc["input_digest"].startswith("sha256:")
    assert doc["engine"]["name"] == "embedded"
    assert doc["bundle"]["digest"].startswith("sha256:")
    assert doc["evaluated_at"] == "2026-11-01T00:00:00Z"


def test_input_digest_is_stable_and_tracks_the_facts(
    run: Run, echo_bundle: Path, write_facts: Callable[..., Path]
) -> None:
    def digest_of(doc: dict[str, object], name: str) -> str:
        facts = write_facts(doc, name)
        args = ("check", "-f", str(facts), "-b", str(echo_bundle), "-e", "embedded")
        _, out, _ = run(*args, "--format", "json")
        return str(json.loads(out)["input_digest"])

    first = digest_of(minimal_facts(want="pass"), "a.json")
    assert digest_of(minimal_facts(want="pass"), "b.json") == first
    assert digest_of(minimal_facts(want="fail"), "c.json") != first


def test_output_file_is_written_whole(
    run: Run, echo_bundle: Path, write_facts: Callable[..., Path], tmp_path: Path
) -> None:
    facts = write_facts(minimal_facts(want="pass"))
    target = tmp_path / "decision.json"
    rc, out, _ = run(
        "check",
        "-f",
        str(facts),
        "-b",
        str(echo_bundle),
        "-e",
        "embedded",
        "--format",
        "json",
        "-o",
        str(target),
    )
    assert rc == 0 and out == ""
    assert json.loads(target.read_text())["outcome"] == "pass"


def test_unwritable_output_is_an_error_and_writes_nothing(
    run: Run, echo_bundle: Path, write_facts: Callable[..., Path], tmp_path: Path
) -> None:
    facts = write_facts(minimal_facts(want="pass"))
    target = tmp_path / "missing-dir" / "decision.json"
    rc, _, err = run(
        "check", "-f", str(facts), "-b", str(echo_bundle), "-e", "embedded", "-o", str(target)
    )
    assert rc == 2
    assert "cannot write output" in err and not target.exists()


def test_invalid_facts_list_every_pointer(
    run: Run, echo_bundle: Path, write_facts: Callable[..., Path]
) -> None:
    doc = minimal_facts(want="pass")
    doc["metrics"][0]["value"] = "0.9"
    doc["subject"]["risk_tier"] = "extreme"
    rc, out, err = run(
        "check", "-f", str(write_facts(doc)), "-b", str(echo_bundle), "-e", "embedded"
    )
    assert rc == 2 and out == ""
    assert "/metrics/0/value: '0.9' is not a number" in err
    assert "/subject/risk_tier" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        ('package mlgate\n\ndecision := {"outcome": "maybe"}\n', "malformed"),
        ("package mlgate\n\ndecision := d if { input.nope; d := {} }\n", "undefined"),
        ("package mlgate\n\nallow := true\n", "no decision entry point"),
        ("package mlgate\n\ndecision := := 1\n", "decision.rego:3"),
    ],
    ids=["malformed-decision", "undefined-decision", "no-entry-point", "syntax-error"],
)
def test_bad_bundles_fail_closed(
    run: Run,
    write_bundle: Callable[[dict[str, str]], Path],
    write_facts: Callable[..., Path],
    policy: str,
    message: str,
) -> None:
    bundle = write_bundle({"mlgate/decision.rego": policy})
    facts = write_facts(minimal_facts(want="pass"))
    rc, out, err = run("check", "-f", str(facts), "-b", str(bundle), "-e", "embedded")
    assert rc == 2, err
    assert out == ""
    first = err.splitlines()[0]
    assert first.startswith("mlgate: error: ") and message in first
    assert "Traceback" not in err


def test_unknown_engine_is_a_usage_error(
    run: Run, echo_bundle: Path, write_facts: Callable[..., Path]
) -> None:
    facts = write_facts(minimal_facts(want="pass"))
    rc, _, err = run("check", "-f", str(facts), "-b", str(echo_bundle), "-e", "magic")
    assert rc == 2 and "unknown engine 'magic'" in err


def test_unreachable_opa_url_fails_closed(
    run: Run, echo_bundle: Path, write_facts: Callable[..., Path], unused_port: int
) -> None:
    facts = write_facts(minimal_facts(want="pass"))
    rc, out, err = run(
        "check",
        "-f",
        str(facts),
        "-b",
        str(echo_bundle),
        "--opa-url",
        f"http://127.0.0.1:{unused_port}",
        "--timeout",
        "2",
    )
    assert rc == 2 and out == ""
    assert "unreachable" in err


def test_missing_facts_file(run: Run, echo_bundle: Path, tmp_path: Path) -> None:
    rc, _, err = run("check", "-f", str(tmp_path / "none.json"), "-b", str(echo_bundle))
    assert rc == 2 and "none.json" in err


def test_merged_facts_from_two_files(
    run: Run, echo_bundle: Path, write_facts: Callable[..., Path]
) -> None:
    base = minimal_facts(want="pass")
    extra = {
        "apiVersion": "mlgate/v1",
        "kind": "ModelFacts",
        "subject": base["subject"],
        "security": {"scans": [{"tool": "pip-audit"}], "vulnerabilities": []},
    }
    a, b = write_facts(base, "a.json"), write_facts(extra, "b.json")
    rc, out, _ = run("check", "-f", str(a), "-f", str(b), "-b", str(echo_bundle), "-e", "embedded")
    assert rc == 0, out


@pytest.mark.parametrize("at", ["soon", "2026-11-01T00:00:00", "1970-06-01T00:00:00Z"])
def test_a_bad_evaluation_time_is_refused_and_nothing_is_logged(
    run: Run, echo_bundle: Path, write_facts: Callable[..., Path], tmp_path: Path, at: str
) -> None:
    facts = write_facts(minimal_facts(want="pass"))
    log = tmp_path / "log.db"
    argv = ["check", "-f", str(facts), "-b", str(echo_bundle), "-e", "embedded"]
    rc, out, err = run(*argv, "--log", str(log), "--at", at)
    assert rc == 2 and out == ""
    assert err.startswith(f"mlgate: error: --at '{at}': ")
    if log.exists():
        from mlgate.logstore.open import open_store

        store = open_store(str(log), create=False)
        try:
            assert store.head() is None
        finally:
            store.close()


def test_the_facts_do_not_set_the_clock_unless_at_says_so(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import yaml

    # A critical CVE under the example waiver, which expired on 2026-01-01. Facts that
    # claim to be evaluated before that would bring the waiver back to life.
    facts = yaml.safe_load((REPO / "examples/credit-risk/passing.yaml").read_text())
    facts["subject"]["name"] = "mlgate-example-waived-model"
    vuln = {"id": "CVE-2026-1", "severity": "critical", "package": "pillow"}
    facts["security"]["vulnerabilities"] = [vuln]
    facts["context"]["evaluated_at"] = "2025-12-20T00:00:00Z"
    for scan in facts["security"]["scans"]:
        scan["completed_at"] = "2025-12-19T00:00:00Z"  # the whole document backdated
    path = tmp_path / "backdated.yaml"
    path.write_text(yaml.safe_dump(facts))
    argv = ("check", "-f", str(path), "--no-log", "--format", "json")
    monkeypatch.delenv("MLGATE_AT")  # the default: now
    code, out, _ = run(*argv)
    doc = json.loads(out)
    assert code == 1 and doc["waivers_applied"] == [] and doc["evaluated_at"] > "2026-11"
    assert [w["control"] for w in doc["waivers_expired"]] == ["MLG-SEC-002"]
    code, out, _ = run(*argv, "--at", "facts")  # an explicit choice to trust the facts' time
    doc = json.loads(out)
    assert code == 0 and doc["evaluated_at"] == "2025-12-20T00:00:00Z"
    assert [w["control"] for w in doc["waivers_applied"]] == ["MLG-SEC-002"]
