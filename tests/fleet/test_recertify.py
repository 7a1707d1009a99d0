"""``mlgate recertify``: every model re-evaluated, outcome changes, log batches, progress."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from mlgate.cli.main import main
from mlgate.cli.progress import ProgressBar
from mlgate.fleet.recertify import recertify
from mlgate.fleet.sources import FactsDir
from mlgate.fleet.table import render_text
from mlgate.logstore.base import Query
from mlgate.logstore.open import open_store
from mlgate.logstore.sqlite import SqliteStore
from mlgate.resources import bundle_dir
from tests.real_opa import opa_server, requires_opa

REPO = Path(__file__).resolve().parents[2]
AT = "2025-06-02T12:00:00Z"  # the evaluation time of the case the fleet copies
PASSING = yaml.safe_load((REPO / "tests/cases/low_tier_minimal_evidence_passes.yaml").read_text())


def _doc(name: str, auc: float) -> dict[str, Any]:
    doc = json.loads(json.dumps(PASSING["facts"]))
    doc["subject"]["name"] = name
    doc["metrics"][0]["value"] = auc
    return doc


@pytest.fixture
def fleet(tmp_path: Path) -> Path:
    """Four low-tier models: AUC 0.90, 0.80, 0.72 (pass today) and 0.60 (fails today)."""
    root = tmp_path / "fleet"
    (root / "team-b").mkdir(parents=True)
    for name, auc, where in [
        ("alpha", 0.90, "alpha.json"),
        ("bravo", 0.80, "bravo.yaml"),
        ("charlie", 0.72, "team-b/charlie.json"),
        ("delta", 0.60, "team-b/delta.yml"),
    ]:
        text = json.dumps(_doc(name, auc))
        (root / where).write_text(
            text if where.endswith("json") else yaml.safe_dump(json.loads(text))
        )
    (root / "README.md").write_text("not a facts file")
    return root


@pytest.fixture
def stricter(tmp_path: Path) -> Path:
    """The shipped bundle with the low tier's AUC minimum raised from 0.70 to 0.75."""
    root = tmp_path / "stricter"
    shutil.copytree(bundle_dir(), root)
    path = root / "mlgate" / "thresholds" / "data.yaml"
    data = yaml.safe_load(path.read_text())
    data["low"]["performance"]["minimum"]["roc_auc"] = 0.75
    path.write_text(yaml.safe_dump(data))
    return root


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["recertify", "--at", AT, *args])
    return code, capsys.readouterr().out


def test_facts_dir_lists_facts_files_only_sorted(fleet: Path) -> None:
    labels = [Path(i.label).name for i in FactsDir(fleet)]
    assert labels == ["alpha.json", "bravo.yaml", "charlie.json", "delta.yml"]
    assert len(FactsDir(fleet)) == 4


def test_first_run_is_new_then_a_stricter_bundle_shows_who_got_worse(
    fleet: Path, stricter: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = str(tmp_path / "log.db")
    code, out = _run(capsys, "--bundle", str(bundle_dir()), "--facts-dir", str(fleet), "--log", log)
    assert code == 0
    assert out.splitlines()[-1].endswith(
        "0 worse, 0 error, 0 changed, 0 better, 4 new, 0 unchanged"
    )
    code, out = _run(capsys, "--bundle", str(stricter), "--facts-dir", str(fleet), "--log", log)
    assert code == 1
    lines = out.splitlines()
    assert lines[0].split() == ["MODEL", "BEFORE", "AFTER", "CHANGE"]
    assert lines[1].split() == [
        "charlie",
        "3.2.0",
        "pass",
        "fail",
        "worse",
        "violations",
        "+MLG-PERF-001",
    ]
    assert len(lines) == 3  # the header, charlie, the totals
    assert (
        "(before: the last logged decision): 1 worse, 0 error, 0 changed, 0 better, 0 new, "
        "3 unchanged" in lines[2]
    )
    store = open_store(log)
    try:
        rows = store.select(Query(kind="decision"))
        assert len(rows) == 8
        assert all(r.document()["recertification"] is True for r in rows)
        assert [r.columns["outcome"] for r in rows[4:]] == ["pass", "pass", "fail", "fail"]
    finally:
        store.close()


def test_each_facts_file_is_compared_with_the_decision_on_its_own_evidence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Two files of one model version: one passes, one fails. Compared with the
    # last decision for the version alone, one of them would look changed.
    root = tmp_path / "twins"
    root.mkdir()
    (root / "a.json").write_text(json.dumps(_doc("twin", 0.90)))
    (root / "b.json").write_text(json.dumps(_doc("twin", 0.60)))
    log = str(tmp_path / "log.db")
    args = ("--bundle", str(bundle_dir()), "--facts-dir", str(root), "--log", log)
    assert _run(capsys, *args)[0] == 0
    code, out = _run(capsys, *args)
    assert code == 0
    assert out.splitlines()[-1].endswith(
        "0 worse, 0 error, 0 changed, 0 better, 0 new, 2 unchanged"
    )


def _echo(auc: float) -> dict[str, Any]:
    """A model that fails today on a critical vulnerability (MLG-SEC-002)."""
    doc = _doc("echo", auc)
    doc["security"]["vulnerabilities"] = [
        {"id": "PYSEC-1", "severity": "critical", "package": "pillow", "version": "9.0.0"}
    ]
    return doc


@pytest.mark.parametrize("logged", [True, False])
def test_a_failing_model_that_gains_a_violation_has_changed(
    fleet: Path, stricter: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], logged: bool
) -> None:
    """Issue 19: compared by outcome alone, echo (fail → fail) was "unchanged", exit 0."""
    (fleet / "echo.json").write_text(json.dumps(_echo(0.72)))
    log = str(tmp_path / "log.db")
    if logged:  # before: the last logged decision
        args = ("--facts-dir", str(fleet), "--log", log)
        assert _run(capsys, "--bundle", str(bundle_dir()), *args)[0] == 0
    else:  # before: the same facts under the shipped bundle
        args = ("--facts-dir", str(fleet), "--no-log")
    code, out = _run(capsys, "--bundle", str(stricter), *args)
    assert code == 1
    lines = out.splitlines()
    assert lines[1].split() == [
        "charlie",
        "3.2.0",
        "pass",
        "fail",
        "worse",
        "violations",
        "+MLG-PERF-001",
    ]
    assert lines[2].split() == [
        "echo", "3.2.0", "fail", "fail", "changed", "violations", "+MLG-PERF-001"
    ]  # fmt: skip
    assert "1 worse, 0 error, 1 changed, 0 better, 0 new, 3 unchanged" in lines[-1]
    if logged:
        return  # a second run compares with the decisions the first one logged
    code, out = _run(capsys, "--bundle", str(stricter), *args, "--json")
    (echo,) = [c for c in json.loads(out)["changes"] if c["model"] == "echo"]
    assert echo["change"] == "changed" and echo["differences"] == ["violations +MLG-PERF-001"]


def test_a_model_that_only_loses_a_finding_changed_but_exits_0(
    tmp_path: Path, stricter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "one"
    root.mkdir()
    (root / "echo.json").write_text(json.dumps(_echo(0.72)))
    args = ("--facts-dir", str(root), "--no-log", "--against", str(stricter))
    code, out = _run(capsys, "--bundle", str(bundle_dir()), *args)
    assert code == 0
    assert out.splitlines()[1].split()[-2:] == ["violations", "-MLG-PERF-001"]


def test_no_log_compares_with_the_shipped_bundle_and_records_nothing(
    fleet: Path, stricter: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _run(
        capsys, "--bundle", str(stricter), "--facts-dir", str(fleet), "--no-log", "--json"
    )
    assert code == 1
    doc = json.loads(out)
    assert doc["compared_with"] == f"bundle {bundle_dir()}"
    assert doc["counts"] == {
        "worse": 1, "error": 0, "changed": 0, "better": 0, "new": 0, "unchanged": 3
    }  # fmt: skip
    assert [(c["model"], c["before"], c["after"]) for c in doc["changes"]] == [
        ("charlie", "pass", "fail")
    ]
    assert not (tmp_path / "decision-log.db").exists()


def test_against_a_stricter_bundle_shows_who_got_better(
    fleet: Path, stricter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--bundle", str(bundle_dir()), "--against", str(stricter), "--facts-dir", str(fleet)]
    code, out = _run(capsys, *args, "--no-log")
    assert code == 0
    assert "charlie 3.2.0" in out and "better" in out


def test_a_bad_facts_file_is_an_error_row_and_the_run_goes_on(
    fleet: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (fleet / "broken.json").write_text('{"apiVersion": "mlgate/v1", "kind": "ModelFacts"}')
    log = str(tmp_path / "log.db")
    args = ["--at", AT, "--bundle", str(bundle_dir()), "--facts-dir", str(fleet), "--log", log]
    code = main(["recertify", *args])
    out, err = capsys.readouterr()
    assert code == 2
    error_row = next(line for line in out.splitlines() if "broken.json" in line)
    assert "error: " in error_row and error_row.rstrip().endswith("error")
    assert "/subject: is required" in error_row  # the first problem names its field
    assert "4 new" in out.splitlines()[-1]
    assert "mlgate: error: 1 of 5 model(s) could not be evaluated" in err
    store = open_store(log)
    try:
        assert len(store.select(Query(kind="decision"))) == 4
    finally:
        store.close()


def test_decisions_are_appended_one_transaction_per_batch(
    fleet: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sizes: list[int] = []
    original = SqliteStore.append

    def spy(self: SqliteStore, entries: Any) -> Any:
        sizes.append(len(entries))
        return original(self, entries)

    monkeypatch.setattr(SqliteStore, "append", spy)
    summary = recertify(
        FactsDir(fleet),
        bundle_location=bundle_dir(),
        log=str(tmp_path / "log.db"),
        batch=3,
        workers=2,
        evaluated_at=AT,
    )
    assert summary.total == 4
    assert sizes == [3, 1]


def test_progress_bar_only_on_a_terminal() -> None:
    quiet = io.StringIO()
    bar = ProgressBar(3, quiet, every=0)
    bar(1)
    bar.close()
    assert quiet.getvalue() == ""

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    loud = Tty()
    bar = ProgressBar(4, loud, every=0)
    bar(2)
    bar(4)
    bar.close()
    assert (
        "\r2/4 [" in loud.getvalue() and "\r4/4 [" in loud.getvalue() and "100%" in loud.getvalue()
    )


AUTHZ = """package system.authz

default allow := false

allow if input.identity == "s3cret-recertify-token"

allow if input.path == ["health"]
"""


def _decisions_asked(log: Path) -> int:
    lines = (json.loads(x) for x in log.read_text().splitlines() if x.startswith("{"))
    return sum(
        1 for x in lines if x.get("req_path") == "/v1/data/mlgate/decision" and "resp_status" in x
    )


@requires_opa
def test_two_real_opa_servers_with_a_token_give_the_same_outcomes(
    fleet: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The token reaches the parent's push and every worker (it used not to: 401), and
    the models are spread over both servers."""
    authz = tmp_path / "authz.rego"
    authz.write_text(AUTHZ)
    secured = ["--authentication=token", "--authorization=basic", "--log-level", "info"]
    log = str(tmp_path / "log.db")
    args = ["--bundle", str(bundle_dir()), "--facts-dir", str(fleet), "--log", log]
    logs = tmp_path / "a.log", tmp_path / "b.log"
    with (
        opa_server([*secured, str(authz)], logs[0], ready="/health") as a,
        opa_server([*secured, str(authz)], logs[1], ready="/health") as b,
    ):
        opa = ["-e", "opa-url", "--opa-url", a, "--opa-url", b, "-j", "2"]
        assert main(["recertify", "--at", AT, *args, *opa]) == 2
        assert "HTTP 401" in capsys.readouterr().err  # no token: refused
        monkeypatch.setenv("MLGATE_OPA_TOKEN", "s3cret-recertify-token")
        code, out = _run(capsys, *args, *opa)
        assert code == 0 and "4 new" in out
    assert _decisions_asked(logs[0]) > 0 and _decisions_asked(logs[1]) > 0
    assert _decisions_asked(logs[0]) + _decisions_asked(logs[1]) == 4
    code, out = _run(capsys, *args)  # embedded now, compared with the OPA decisions
    assert code == 0 and "4 unchanged" in out


@requires_opa
def test_recertify_against_an_opa_that_serves_the_bundle_itself(
    fleet: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = str(tmp_path / "log.db")
    args = ["--bundle", str(bundle_dir()), "--facts-dir", str(fleet), "--log", log]
    with opa_server(["--bundle", str(bundle_dir())], tmp_path / "opa.log") as url:
        code, out = _run(capsys, *args, "-e", "opa-url", "--opa-url", url, "--opa-no-push")
        assert code == 0 and "4 new" in out
        listing = requests.get(f"{url}/v1/policies", timeout=5).json()["result"]
        assert not any(p["id"].startswith("mlgate/") for p in listing)  # nothing pushed


def test_opa_url_cannot_compare_with_another_bundle(
    fleet: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--bundle", str(bundle_dir()), "--facts-dir", str(fleet), "--no-log"]
    assert main(["recertify", *args, "-e", "opa-url", "--opa-url", "http://127.0.0.1:9"]) == 2
    assert "one OPA server cannot hold two bundles" in capsys.readouterr().err


def test_usage_errors(fleet: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["recertify", "--bundle", str(bundle_dir())]) == 2
    assert "exactly one of --facts-dir" in capsys.readouterr().err
    assert (
        main(["recertify", "--bundle", str(bundle_dir()), "--facts-dir", str(tmp_path / "none")])
        == 2
    )
    assert "no such directory" in capsys.readouterr().err
    assert (
        main(["recertify", "--bundle", str(tmp_path), "--facts-dir", str(fleet), "--no-log"]) == 2
    )
    assert "mlgate: error:" in capsys.readouterr().err


def test_text_table_orders_worse_first() -> None:
    from mlgate.fleet.recertify import Change, Summary

    summary = Summary("r1", "the last logged decision")
    summary.add(Change("a", "a", "1", "fail", "pass"))
    summary.add(Change("b", "b", "1", "pass", "fail"))
    summary.add(Change("c", "c", "1", "pass", "pass"))
    lines = render_text(summary).splitlines()
    assert [line.split()[0] for line in lines[1:3]] == ["b", "a"]
    assert summary.exit_code == 1


def _stderr_of_recertify(fleet: Path, tmp_path: Path, *, tty: bool) -> str:
    """Run the real `mlgate recertify` process, its stderr a pseudo-terminal or a pipe."""
    import os
    import pty
    import subprocess
    import sys

    mlgate = Path(sys.executable).with_name("mlgate")
    argv = [str(mlgate), "recertify", "--bundle", str(bundle_dir()), "--facts-dir", str(fleet)]
    argv += ["--no-log", "-j", "1"]
    env = {**os.environ, "MLGATE_CACHE_DIR": str(tmp_path / "cache")}
    if not tty:
        done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=300)
        return done.stderr
    leader, follower = pty.openpty()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=follower, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:  # the terminal closed when the process ended
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=300)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def test_a_batch_shows_progress_on_a_terminal_and_none_in_ci(fleet: Path, tmp_path: Path) -> None:
    on_terminal = _stderr_of_recertify(fleet, tmp_path, tty=True)
    assert "4/4 [" in on_terminal and "100%" in on_terminal
    piped = _stderr_of_recertify(fleet, tmp_path, tty=False)
    assert "/4 [" not in piped and "\r" not in piped


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--at", "soon", "--at 'soon': not an RFC 3339 time"),
        ("--at", "2026-11-01T00:00:00", "not an RFC 3339 time"),  # no zone
        ("--at", "0001-01-01T00:00:00Z", "before 1971"),
        ("--timeout", "0", "--timeout 0: give the seconds"),
        ("--timeout", "-1", "--timeout -1: give the seconds"),
        ("--timeout", "nan", "--timeout nan: give the seconds"),
    ],
)
def test_a_bad_time_or_timeout_is_refused_before_any_model(
    fleet: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    option: str,
    value: str,
    message: str,
) -> None:
    log = tmp_path / "log.db"
    args = ["recertify", "--bundle", str(bundle_dir()), "--facts-dir", str(fleet)]
    assert main([*args, "--log", str(log), option, value]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and len(captured.err.strip().splitlines()) == 1
    assert captured.out == "" and not log.exists()


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("notaurl", "tracking directory notaurl does not exist"),
        ("sqlite:///nowhere/mlflow.db", "tracking store nowhere/mlflow.db does not exist"),
        ("http://127.0.0.1:9", "tracking server http://127.0.0.1:9 is unreachable"),
    ],
)
def test_a_registry_that_cannot_work_is_one_line_at_once(
    capsys: pytest.CaptureFixture[str], uri: str, message: str
) -> None:
    args = ["recertify", "--bundle", str(bundle_dir()), "--mlflow-registry", uri, "--no-log"]
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]


def test_a_bundle_that_changed_after_it_was_verified_is_refused(fleet: Path) -> None:
    from mlgate.errors import BundleError

    with pytest.raises(BundleError, match="changed after it was verified"):
        recertify(FactsDir(fleet), bundle_location=bundle_dir(), record=False,
                  against=bundle_dir(), digest="sha256:" + "0" * 64, workers=1)  # fmt: skip


def test_a_worker_that_reads_another_bundle_decides_nothing(fleet: Path) -> None:
    from mlgate.fleet.work import Evaluator, Setup

    evaluator = Evaluator(Setup(bundle=str(bundle_dir()), digest="sha256:" + "0" * 64))
    try:
        result = evaluator.run(next(iter(FactsDir(fleet))))
    finally:
        evaluator.close()
    assert result.after is None and "changed after recertify started" in (result.error or "")
