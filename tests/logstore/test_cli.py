"""``check`` recording, ``log verify/query/show/export`` and ``replay`` through the CLI."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from mlgate.cli.main import main
from tests.conftest import minimal_facts

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    def _run(*argv: str) -> tuple[int, str, str]:
        code = main([*argv])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


@pytest.fixture
def checked(
    run: Run, echo_bundle: Path, write_facts: Callable[..., Path], log_location: str
) -> Callable[..., dict[str, object]]:
    def _check(want: str = "pass", *extra: str) -> dict[str, object]:
        facts = write_facts(minimal_facts(want=want), f"{want}.json")
        args = ["check", "-f", str(facts), "-b", str(echo_bundle), "-e", "embedded"]
        code, out, err = run(*args, "--format", "json", "--log", log_location, *extra)
        assert code in (0, 1, 3), err
        return dict(json.loads(out))

    return _check


def test_each_check_is_recorded_and_the_log_verifies(
    run: Run, checked: Callable[..., dict[str, object]], log_location: str
) -> None:
    a, b, c = checked("pass"), checked("fail"), checked("needs_approval")
    code, out, _ = run("log", "verify", "--log", log_location)
    assert code == 0 and out.startswith("ok: 3 record(s), chain intact, head sha256:")
    code, out, _ = run("log", "query", "--log", log_location, "--outcome", "fail")
    assert code == 0 and str(b["decision_id"]) in out and str(a["decision_id"]) not in out
    code, out, _ = run("log", "show", str(c["decision_id"]), "--log", log_location)
    record = json.loads(out)
    assert record["decision"]["outcome"] == "needs_approval"
    assert record["facts"]["context"]["want"] == "needs_approval"
    assert record["evidence_digest"] == c["evidence_digest"]
    assert record["bundle"]["digest"] == c["bundle"]["digest"]  # type: ignore[index]
    assert record["actor"] and record["engine"]["name"] == "embedded"


def test_log_verify_exits_1_and_names_the_first_bad_record(
    run: Run, checked: Callable[..., dict[str, object]], log_location: str
) -> None:
    from tests.logstore.conftest import run_sql

    for want in ("pass", "fail", "pass"):
        checked(want)
    run_sql(log_location, "UPDATE mlgate_log SET body = replace(body, '\"fail\"', '\"pass\"')")
    code, out, err = run("log", "verify", "--log", log_location)
    assert code == 1 and out == ""
    assert "TAMPERED: record 2: its content does not match its hash (edited)" in err


def test_log_verify_calls_a_removed_head_table_tampering_and_refuses_other_databases(
    run: Run, echo_bundle: Path, write_facts: Callable[..., Path], tmp_path: Path
) -> None:
    from tests.logstore.conftest import run_sql

    log = str(tmp_path / "log.db")
    facts = write_facts(minimal_facts(want="pass"))
    assert run("check", "-f", str(facts), "-b", str(echo_bundle), "--log", log)[0] == 0
    run_sql(log, "DROP TABLE mlgate_log_head")
    code, _, err = run("log", "verify", "--log", log)
    assert (code, err) == (
        1,
        f"TAMPERED: decision log {log}: its mlgate_log_head table was removed\n",
    )
    other = str(tmp_path / "app.db")
    run_sql(other, "CREATE TABLE users (name TEXT)")
    code, out, err = run("log", "verify", "--log", other)
    assert code == 2 and out == "" and "a database of something else (tables users)" in err


def test_no_log_records_nothing(
    run: Run, echo_bundle: Path, write_facts: Callable[..., Path], tmp_path: Path
) -> None:
    facts = write_facts(minimal_facts(want="pass"))
    log = tmp_path / "never.db"
    args = ("check", "-f", str(facts), "-b", str(echo_bundle), "-e", "embedded")
    assert run(*args, "--no-log")[0] == 0
    code, _, err = run(*args, "--no-log", "--log", str(log))
    assert code == 2 and "--log and --no-log contradict each other" in err
    assert not log.exists() and not (tmp_path / "default-log.db").exists()


def test_an_unwritable_log_fails_the_check_closed(
    run: Run, echo_bundle: Path, write_facts: Callable[..., Path], tmp_path: Path
) -> None:
    facts = write_facts(minimal_facts(want="pass"))
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    args = ("check", "-f", str(facts), "-b", str(echo_bundle), "-e", "embedded")
    code, out, err = run(*args, "--log", str(blocker / "log.db"))
    assert code == 2 and out == ""
    assert err.startswith("mlgate: error: cannot open decision log") and "Traceback" not in err


def test_an_unreachable_postgres_fails_closed_and_leaks_no_password(
    run: Run,
    echo_bundle: Path,
    write_facts: Callable[..., Path],
    unused_port: int,
    tmp_path: Path,
) -> None:
    facts = write_facts(minimal_facts(want="pass"))
    url = f"postgresql://mlgate:s3cret@127.0.0.1:{unused_port}/mlgate"
    args = ("check", "-f", str(facts), "-b", str(echo_bundle), "-e", "embedded")
    code, out, err = run(*args, "--log", url)
    assert code == 2 and out == ""
    assert "cannot open decision log postgresql://mlgate:***@127.0.0.1" in err
    assert "s3cret" not in err and "Traceback" not in err
    assert not (tmp_path / "default-log.db").exists()  # nothing went to the local log instead


def test_export_jsonl_and_opa(
    run: Run, checked: Callable[..., dict[str, object]], log_location: str, tmp_path: Path
) -> None:
    first = checked("pass")
    checked("fail")
    out_file = tmp_path / "export.jsonl"
    code, _, _ = run("log", "export", "--log", log_location, "-o", str(out_file))
    lines = [json.loads(line) for line in out_file.read_text().splitlines()]
    assert code == 0 and [r["seq"] for r in lines] == [1, 2]
    assert lines[1]["prev_hash"] == lines[0]["hash"]
    code, out, _ = run(
        "log", "export", "--format", "opa", "--outcome", "pass", "--log", log_location
    )
    (event,) = [json.loads(line) for line in out.splitlines()]
    assert event["decision_id"] == first["decision_id"] and event["path"] == "mlgate/decision"
    assert event["result"]["outcome"] == "pass" and event["input"]["context"]["want"] == "pass"


def test_replay_confirms_the_same_outcome(
    run: Run, checked: Callable[..., dict[str, object]], log_location: str, echo_bundle: Path
) -> None:
    doc = checked("fail")
    code, out, err = run(
        "replay",
        str(doc["decision_id"]),
        "-b",
        str(echo_bundle),
        "-e",
        "embedded",
        "--log",
        log_location,
    )
    assert code == 0, err
    assert out.startswith(f"replayed {doc['decision_id']}: same outcome (fail)")


def test_replay_refuses_another_bundle(
    run: Run, checked: Callable[..., dict[str, object]], log_location: str, echo_bundle: Path
) -> None:
    doc = checked("pass")
    (echo_bundle / "mlgate" / "extra.rego").write_text("package mlgate.extra\n\nx := 1\n")
    code, _, err = run(
        "replay",
        str(doc["decision_id"]),
        "-b",
        str(echo_bundle),
        "-e",
        "embedded",
        "--log",
        log_location,
    )
    assert code == 2 and "differs from the logged" in err


def test_replay_what_if_decides_the_logged_facts_under_another_bundle(
    run: Run, checked: Callable[..., dict[str, object]], log_location: str, echo_bundle: Path
) -> None:
    doc = checked("pass")
    decision = echo_bundle / "mlgate" / "decision.rego"
    stricter = decision.read_text().replace('"outcome": input.context.want', '"outcome": "fail"')
    assert stricter != decision.read_text()
    decision.write_text(stricter)
    argv = ["replay", str(doc["decision_id"]), "-b", str(echo_bundle), "-e", "embedded"]
    code, _, err = run(*argv, "--what-if", "--log", log_location)
    assert code == 1, err
    assert f"decided again under the other bundle, {doc['decision_id']}: DIFFERENT" in err
    assert "outcome: logged 'pass', replayed 'fail'" in err
    code, _, err = run(*argv, "--log", log_location)  # without --what-if: refused
    assert code == 2 and "differs from the logged" in err


def test_replay_of_masked_facts_says_it_cannot(
    run: Run,
    checked: Callable[..., dict[str, object]],
    log_location: str,
    echo_bundle: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mask = tmp_path / "mask.json"
    mask.write_text(json.dumps([{"op": "hash", "path": "/subject/name"}]))
    monkeypatch.setenv("MLGATE_LOG_MASK", str(mask))
    doc = checked("pass")
    code, out, _ = run("log", "show", str(doc["decision_id"]), "--log", log_location)
    record = json.loads(out)
    assert record["facts"]["subject"]["name"].startswith("sha256:")
    assert record["masked"] == [{"op": "hash", "path": "/subject/name"}]
    code, _, err = run(
        "replay",
        str(doc["decision_id"]),
        "-b",
        str(echo_bundle),
        "-e",
        "embedded",
        "--log",
        log_location,
    )
    assert code == 2 and "logged masked (/subject/name)" in err


def test_replay_finds_facts_edited_in_the_log(
    run: Run, checked: Callable[..., dict[str, object]], log_location: str, echo_bundle: Path
) -> None:
    from tests.logstore.conftest import run_sql

    doc = checked("fail")
    ((body,),) = run_sql(log_location, "SELECT body FROM mlgate_log WHERE seq = 1")
    record = json.loads(body)
    record["facts"]["context"]["want"] = "pass"  # rewrite history, hash recomputed
    text = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = "sha256:" + hashlib.sha256(text.encode()).hexdigest()
    run_sql(log_location, "UPDATE mlgate_log SET body = ?, hash = ? WHERE seq = 1", (text, digest))
    code, _, err = run(
        "replay",
        str(doc["decision_id"]),
        "-b",
        str(echo_bundle),
        "-e",
        "embedded",
        "--log",
        log_location,
    )
    assert code == 1
    assert "outcome: logged 'fail', replayed 'pass'" in err and "input_digest" in err


@pytest.mark.parametrize("location", ["ftp://x/y", "sqlite:///tmp/log.db", "https://log.example"])
def test_a_log_url_of_another_kind_is_refused_not_made_a_file(
    run: Run,
    echo_bundle: Path,
    write_facts: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    location: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    facts = write_facts(minimal_facts(want="pass"))
    args = ("check", "-f", str(facts), "-b", str(echo_bundle), "-e", "embedded")
    code, out, err = run(*args, "--log", location)
    assert code == 2 and out == ""
    assert "not a log location; give a file path (SQLite) or a postgresql:// URL" in err
    assert not (tmp_path / (location.split("://")[0] + ":")).exists()


def test_an_empty_file_is_no_log_to_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "log.db"
    empty.write_bytes(b"")
    for argv in (["log", "verify"], ["log", "query"], ["log", "export"]):
        assert main([*argv, "--log", str(empty)]) == 2
        assert "an empty file, not a decision log" in capsys.readouterr().err
    assert empty.read_bytes() == b""  # reading did not turn it into a log


def test_an_edited_record_is_exported_with_a_warning(
    run: Run, echo_bundle: Path, write_facts: Callable[..., Path], tmp_path: Path
) -> None:
    from tests.logstore.conftest import run_sql

    log = str(tmp_path / "log.db")
    facts = write_facts(minimal_facts(want="pass"))
    run("check", "-f", str(facts), "-b", str(echo_bundle), "-e", "embedded", "--log", log)
    run_sql(log, "UPDATE mlgate_log SET body = replace(body, '\"pass\"', '\"fail\"')")
    code, out, err = run("log", "export", "--log", log)
    assert code == 0 and out.count("\n") == 1
    assert "warning: log record 1 does not match its hash (edited)" in err


def test_time_filters_out_of_range_are_refused_and_early_years_compare_right(
    run: Run, checked: Callable[..., dict[str, object]], log_location: str
) -> None:
    checked("pass")
    for flag, value in (
        ("--since", "0001-01-01T00:00:00+01:00"),
        ("--until", "9999-12-31T23:59:59-01:00"),
    ):
        code, out, err = run("log", "query", "--log", log_location, flag, value)
        assert code == 2 and out == "" and "out of range once converted to UTC" in err
    # Year 999 is written 0999: as text it sorts before 2026, so the record is listed.
    code, out, _ = run("log", "query", "--log", log_location, "--since", "0999-01-01")
    assert code == 0 and len(out.splitlines()) == 1 and " decision " in out
    code, _, err = run("log", "query", "--log", log_location, "--limit", str(2**64))
    assert code == 2 and "--limit" in err
