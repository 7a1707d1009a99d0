"""Approvals end to end through the CLI: check → approve → check, on SQLite and PostgreSQL.

Uses the shipped bundle and the credit-risk example (medium tier: one ml_lead
and one model_risk approval; author dana.ml, actor ci-bot).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from mlgate.cli.main import main
from tests.approvals.conftest import Keyring
from tests.conftest import REPO

EXAMPLE = REPO / "examples/credit-risk/needs-approval.yaml"
Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], keyring: Keyring, log_location: str) -> Run:
    def _run(*argv: str) -> tuple[int, str, str]:
        code = main([*argv])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, keyring: Keyring, log_location: str) -> None:
    monkeypatch.setenv("MLGATE_LOG", log_location)
    monkeypatch.setenv("MLGATE_PRINCIPALS", str(keyring.principals))


def check(run: Run, facts: Path = EXAMPLE, *extra: str) -> tuple[int, dict[str, object], str]:
    code, out, err = run("check", "-f", str(facts), "-e", "embedded", "--format", "json", *extra)
    return code, (json.loads(out) if out else {}), err


def approve(
    run: Run, keyring: Keyring, decision: str, role: str, who: str, *extra: str
) -> tuple[int, str, str]:
    return run(
        "approve", decision, "--role", role, "--as", who, "--key", str(keyring.key(who)), *extra
    )


def test_approvals_move_needs_approval_to_pass(run: Run, keyring: Keyring, env: None) -> None:
    code, first, err = check(run)
    assert code == 3, err
    assert "approval(s) written in the facts were ignored" in err  # unsigned claims
    decision = str(first["decision_id"])
    assert run("status", decision)[0] == 3
    code, out, err = approve(run, keyring, decision, "ml_lead", "priya.lead", "--comment", "ok")
    assert code == 0, err
    assert out.startswith(f"recorded approval of {decision} as ml_lead (log record 2 ")
    assert approve(run, keyring, decision, "model_risk", "omar.risk", "--expires", "30d")[0] == 0
    code, out, _ = run("status", decision)
    assert code == 0 and "given 1 (omar.risk)" in out
    code, second, err = check(run)
    assert code == 0, err
    assert second["outcome"] == "pass"
    assert second["evidence_digest"] == first["evidence_digest"]
    assert second["input_digest"] != first["input_digest"]  # the approvals are in the input
    code, out, _ = run("log", "verify")
    assert code == 0 and out.startswith("ok: 4 record(s)")
    code, out, _ = run("log", "query", "--kind", "approval")
    assert code == 0 and out.count("approve") == 2


def test_changed_evidence_makes_approvals_stale(
    run: Run, keyring: Keyring, env: None, tmp_path: Path
) -> None:
    _, first, _ = check(run)
    decision = str(first["decision_id"])
    approve(run, keyring, decision, "ml_lead", "priya.lead")
    approve(run, keyring, decision, "model_risk", "omar.risk")
    facts = yaml.safe_load(EXAMPLE.read_text())
    facts["context"]["commit"] = "a-later-commit"  # new evidence, same verdict otherwise
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(facts))
    code, doc, err = check(run, changed)
    assert code == 3 and doc["evidence_digest"] != first["evidence_digest"]
    assert "stale: the evidence changed after the review" in err


def test_changed_bundle_makes_approvals_stale(
    run: Run, keyring: Keyring, env: None, tmp_path: Path
) -> None:
    _, first, _ = check(run)
    decision = str(first["decision_id"])
    approve(run, keyring, decision, "ml_lead", "priya.lead")
    approve(run, keyring, decision, "model_risk", "omar.risk")
    bundle = tmp_path / "bundle"
    shutil.copytree(REPO / "rego", bundle)
    (bundle / "mlgate/decision.rego").write_text(
        (bundle / "mlgate/decision.rego").read_text() + "\n# reviewed again\n"
    )
    code, _, err = check(run, EXAMPLE, "--bundle", str(bundle))
    assert code == 3 and "stale: the policy bundle changed after the review" in err
    assert check(run)[0] == 0  # with the reviewed bundle they still count


def test_a_rejection_blocks_the_release(run: Run, keyring: Keyring, env: None) -> None:
    _, first, _ = check(run)
    decision = str(first["decision_id"])
    approve(run, keyring, decision, "ml_lead", "priya.lead")
    approve(run, keyring, decision, "model_risk", "omar.risk", "--reject", "--comment", "bias")
    code, doc, _ = check(run)
    assert code == 1 and doc["outcome"] == "fail"
    assert any(v["control"] == "MLG-APR-002" for v in doc["violations"])  # type: ignore[attr-defined]
    assert run("status", decision)[0] == 1


def test_the_author_cannot_approve_their_own_model(run: Run, keyring: Keyring, env: None) -> None:
    # The policy would not count it either (golden case
    # approvals_author_self_approval_is_ignored); the command refuses it at once, so
    # that `status` and `check` can never disagree about it.
    _, first, _ = check(run)
    decision = str(first["decision_id"])
    approve(run, keyring, decision, "ml_lead", "priya.lead")
    code, _, err = approve(run, keyring, decision, "model_risk", "dana.ml")
    assert code == 2 and "separation of duties" in err and "dana.ml is the author" in err
    assert check(run)[0] == 3


def test_the_authors_rejection_blocks_in_approve_status_and_check(
    run: Run, keyring: Keyring, env: None
) -> None:
    # One rule everywhere: a rejection only makes a decision stricter, so the
    # author's own rejection is recorded, status reports it and check fails.
    _, first, _ = check(run)
    decision = str(first["decision_id"])
    approve(run, keyring, decision, "ml_lead", "priya.lead")
    approve(run, keyring, decision, "model_risk", "omar.risk")
    assert approve(run, keyring, decision, "model_risk", "dana.ml", "--reject")[0] == 0
    code, out, _ = run("status", decision)
    assert code == 1 and "rejected by dana.ml" in out
    code, doc, _ = check(run)
    assert code == 1 and doc["outcome"] == "fail"
    rejected = [v for v in doc["violations"] if v["control"] == "MLG-APR-002"]  # type: ignore[attr-defined]
    assert [v["actual"]["principal"] for v in rejected] == ["dana.ml"]


def test_an_expired_approval_does_not_count(
    run: Run, keyring: Keyring, env: None, tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    facts = yaml.safe_load(EXAMPLE.read_text())
    del facts["context"]["evaluated_at"]  # evaluated now, with a fresh security scan
    for scan in facts["security"]["scans"]:
        scan["completed_at"] = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    fresh = tmp_path / "fresh.json"
    fresh.write_text(json.dumps(facts))
    _, first, _err = check(run, fresh)
    decision = str(first["decision_id"])
    approve(run, keyring, decision, "ml_lead", "priya.lead", "--expires", "1h")
    approve(run, keyring, decision, "model_risk", "omar.risk")
    assert check(run, fresh)[0] == 0
    later = (now + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    code, doc, _ = check(run, fresh, "--at", later)
    assert code == 3
    ignored = doc["approvals_ignored"]
    assert any(i["reason"] == "expired before the evaluation time" for i in ignored)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("role", "who", "key_of", "extra", "message"),
    [
        ("model_risk", "nobody", "omar.risk", (), "unknown principal 'nobody'"),
        ("model_risk", "priya.lead", "priya.lead", (), "does not hold role 'model_risk'"),
        (
            "model_risk",
            "omar.risk",
            "priya.lead",
            (),
            "this key does not belong to principal omar.risk",
        ),
        (
            "model_risk",
            "omar.risk",
            "omar.risk",
            ("--expires", "2020-01-01T00:00:00Z"),
            "not in the future",
        ),
        ("model_risk", "omar.risk", "omar.risk", ("--expires", "soon"), "--expires 'soon'"),
        ("compliance", "omar.risk", "omar.risk", (), "does not hold role 'compliance'"),
        ("model_risk", "gh-bridge", "gh-bridge", (), "does not hold role 'model_risk'"),
    ],
    ids=[
        "unknown",
        "role-not-held",
        "wrong-key",
        "expired",
        "bad-expiry",
        "not-held-2",
        "bridge-self",
    ],
)
def test_approve_refuses_with_a_reason(
    run: Run,
    keyring: Keyring,
    env: None,
    role: str,
    who: str,
    key_of: str,
    extra: tuple[str, ...],
    message: str,
) -> None:
    _, first, _ = check(run)
    code, out, err = run(
        "approve",
        str(first["decision_id"]),
        "--role",
        role,
        "--as",
        who,
        "--key",
        str(keyring.key(key_of)),
        *extra,
    )
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err
    assert run("log", "query", "--kind", "approval")[1] == ""  # nothing appended


def test_approve_an_unknown_or_failed_decision_is_refused(
    run: Run, keyring: Keyring, env: None, tmp_path: Path
) -> None:
    code, _, err = approve(run, keyring, "nope", "ml_lead", "priya.lead")
    assert code == 2 and ("no such file" in err or "no log in this database" in err)  # none yet
    failing = REPO / "examples/credit-risk/failing.yaml"
    code, doc, _ = check(run, failing)
    assert code == 1
    assert "is not in the decision log" in approve(run, keyring, "nope", "ml_lead", "priya.lead")[2]
    code, _, err = approve(run, keyring, str(doc["decision_id"]), "ml_lead", "priya.lead")
    assert code == 2 and "approvals cannot change that" in err


def test_an_importer_signs_for_an_approval_given_elsewhere(
    run: Run, keyring: Keyring, env: None
) -> None:
    _, first, _ = check(run)
    decision = str(first["decision_id"])
    approve(run, keyring, decision, "ml_lead", "priya.lead")
    code, _, err = run(
        "approve",
        decision,
        "--role",
        "model_risk",
        "--as",
        "gh-bridge",
        "--key",
        str(keyring.key("gh-bridge")),
        "--on-behalf-of",
        "omar.risk",
        "--source",
        "https://github.com/acme/credit/deployments/77",
    )
    assert code == 0, err
    code, _doc, _ = check(run)
    assert code == 0
    code, out, _ = run("log", "query", "--kind", "approval", "--json")
    records = [json.loads(line)["approval"]["payload"] for line in out.splitlines()]
    assert records[-1]["signer"] == "gh-bridge" and records[-1]["principal"] == "omar.risk"
    code, _, err = run(
        "approve",
        decision,
        "--role",
        "model_risk",
        "--as",
        "priya.lead",
        "--key",
        str(keyring.key("priya.lead")),
        "--on-behalf-of",
        "omar.risk",
        "--source",
        "x",
    )
    assert code == 2 and "may not sign for others" in err


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        (
            "UPDATE mlgate_log SET body = replace(body, 'not yet', 'fine by me') WHERE kind = ?",
            "does not match its hash (edited)",
        ),
        ("UPDATE mlgate_log SET body = '{}' WHERE kind = ?", "does not match its hash"),
        (
            "UPDATE mlgate_log SET body = 'x', hash = 'sha256:00' WHERE kind = ?",
            "does not match its hash",
        ),
    ],
)
def test_an_edited_rejection_stops_the_check_instead_of_being_skipped(
    run: Run, keyring: Keyring, env: None, log_location: str, statement: str, message: str
) -> None:
    from tests.logstore.conftest import run_sql

    _, first, _ = check(run)
    decision = str(first["decision_id"])
    approve(run, keyring, decision, "ml_lead", "priya.lead")
    approve(run, keyring, decision, "model_risk", "omar.risk", "--reject", "--comment", "not yet")
    run_sql(log_location, statement, ("rejection",))
    code, out, err = run("check", "-f", str(EXAMPLE), "-e", "embedded")
    assert code == 2 and out == "" and message in err and "Traceback" not in err


def test_a_deleted_rejection_stops_the_check_and_the_next_approval(
    run: Run, keyring: Keyring, env: None, log_location: str
) -> None:
    from tests.logstore.conftest import run_sql

    _, first, _ = check(run)
    decision = str(first["decision_id"])
    approve(run, keyring, decision, "ml_lead", "priya.lead")
    approve(run, keyring, decision, "model_risk", "omar.risk", "--reject")
    run_sql(log_location, "DELETE FROM mlgate_log WHERE kind = ?", ("rejection",))
    code, _, err = approve(run, keyring, decision, "model_risk", "omar.risk")
    assert code == 2 and "records were deleted or inserted" in err
    code, out, err = run("check", "-f", str(EXAMPLE), "-e", "embedded")
    assert code == 2 and out == "" and "run `mlgate log verify`" in err


def test_no_log_does_not_let_unsigned_approvals_count_under_a_principals_file(
    run: Run, env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    forged = yaml.safe_load(EXAMPLE.read_text())
    forged["approvals"][1]["principal"] = "eve.forged"  # covers model_risk, signed by no one
    path = tmp_path / "forged.yaml"
    path.write_text(yaml.safe_dump(forged))
    code, doc, err = check(run, path, "--no-log")
    assert code == 3, err  # not the pass the unsigned claims would give
    assert "2 approval(s) written in the facts were ignored" in err
    assert {r["role"] for r in doc["required_approvals"]} == {"ml_lead", "model_risk"}
    monkeypatch.delenv("MLGATE_PRINCIPALS")  # no principals file: the facts are taken as given
    code, doc, _ = check(run, path, "--no-log")
    assert code == 0 and doc["outcome"] == "pass"
