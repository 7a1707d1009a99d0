"""``mlgate monitor``: exit codes as for check, actions in the output, bad series as errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlgate.cli.main import main
from mlgate.logstore.base import Query
from mlgate.logstore.open import open_store
from tests.monitoring import generate as g

AT = g.END


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps(g.facts("medium")), encoding="utf-8")
    return {
        "facts": facts,
        "fast": g.write(
            tmp_path / "fast.json", g.latency(fast_ms=120, slow_ms=600, slow_per_100=0)
        ),
        "slow": g.write(
            tmp_path / "slow.json", g.latency(fast_ms=120, slow_ms=600, slow_per_100=3)
        ),
        "conf": g.write(tmp_path / "conf.json", g.points(mean=0.92, sd=0.01)),
        "drift": g.drift_report(tmp_path / "drift.json", {"income": 0.01}, "PSI"),
    }


def _args(files: dict[str, Path], latency: str = "fast") -> list[str]:
    return [
        "monitor",
        "-f", str(files["facts"]),
        "-s", f"latency_ms:ms={files[latency]}",
        "-s", f"prediction_confidence={files['conf']}",
        "--drift", str(files["drift"]),
        "-e", "embedded",
        "--at", AT,
    ]  # fmt: skip


def test_healthy_model_exits_0(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_args(files)) == 0
    assert capsys.readouterr().out.startswith("PASS  credit-default 3.2.0 (tier medium)")


def test_violation_exits_1_and_prints_the_actions(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_args(files, "slow")) == 1
    out = capsys.readouterr().out
    assert out.startswith("FAIL")
    assert (
        "  > rollback    owner ml-platform-oncall (bundle default), by 2026-11-01T04:00:00Z "
        "(4 h); rollback needs ml_lead x1  [MLG-MON-002, MLG-MON-003]"
    ) in out
    assert (
        "  > investigate owner ml-platform-oncall (bundle default), by 2026-11-02T00:00:00Z" in out
    )


def test_json_output_has_actions_with_rfc3339_deadlines(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*_args(files, "slow"), "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["kind"] == "monitoring"
    rollback = doc["actions"][0]
    assert rollback["action"] == "rollback"
    assert rollback["deadline"] == "2026-11-01T04:00:00Z"
    assert rollback["deadline_ns"] == 1793505600 * 10**9


def test_missing_required_signal_exits_4(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    args = _args(files)
    del args[5:7]  # no prediction_confidence
    assert main(args) == 4
    assert "? MLG-MON-007 missing evidence at /monitoring/signals" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("series", "message"),
    [
        ("[[1793491260, 1], [1793491200, 2]]", "the timestamps go backwards here"),
        ("[[1793491200, NaN]]", "not a finite number"),
        (
            '{"unit": "s", "observations": [{"timestamp": 1793491200, "value": 1, "unit": "ms"}]}',
            "mixed units",
        ),
    ],
    ids=["unsorted", "nan", "mixed-units"],
)
def test_bad_series_exits_2_with_one_line(
    files: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    series: str,
    message: str,
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(series, encoding="utf-8")
    args = _args(files)
    args[4] = f"latency_ms={bad}"
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("mlgate: error: ") and message in err[0]


def test_latency_without_a_unit_is_refused(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    args = _args(files)
    args[4] = f"latency_ms={files['fast']}"
    assert main(args) == 2
    assert "declare ms or s" in capsys.readouterr().err


def test_baseline_for_an_unknown_signal_is_a_usage_error(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*_args(files), "--baseline", f"roc_auc={files['conf']}"]) == 2
    assert "no --series gives the signal roc_auc" in capsys.readouterr().err


def test_bad_evaluation_time_is_refused(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    args = _args(files)
    args[-1] = "yesterday"
    assert main(args) == 2
    assert "not an RFC 3339 time" in capsys.readouterr().err


def test_bundle_without_monitoring_entry_point_is_refused(
    files: dict[str, Path], echo_bundle: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*_args(files), "--bundle", str(echo_bundle)]) == 2
    assert "no data.mlgate.monitoring.decision" in capsys.readouterr().err


def test_log_records_a_monitoring_entry(files: dict[str, Path], tmp_path: Path) -> None:
    log = tmp_path / "monitor.db"
    assert main([*_args(files, "slow"), "--log", str(log)]) == 1
    store = open_store(str(log))
    try:
        rows = store.select(Query(kind="monitoring"))
        assert [r.columns["outcome"] for r in rows] == ["fail"]
        assert rows[0].document()["decision"]["actions"][0]["action"] == "rollback"
        assert store.select(Query(kind="decision")) == []
    finally:
        store.close()


def test_owner_from_the_facts(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    doc = json.loads(files["facts"].read_text())
    doc["monitoring"] = {"owners": {"rollback": "sre-payments"}}
    files["facts"].write_text(json.dumps(doc))
    assert main([*_args(files, "slow"), "--format", "json"]) == 1
    rollback = json.loads(capsys.readouterr().out)["actions"][0]
    assert (rollback["owner"], rollback["owner_from"]) == ("sre-payments", "facts")


def test_signal_given_in_the_facts_and_on_the_command_line_is_refused(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    doc = json.loads(files["facts"].read_text())
    doc["monitoring"] = {"signals": [{"name": "latency_ms", "stats": {"samples": 0}}]}
    files["facts"].write_text(json.dumps(doc))
    assert main(_args(files)) == 2
    assert "given twice (in the facts and with --series)" in capsys.readouterr().err


def test_help_has_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("monitor", "compare", "recertify"):
        assert main([command, "--help"]) == 0
        assert f"Example: mlgate {command}" in capsys.readouterr().out


def test_precomputed_signals_in_the_facts_are_judged_without_series(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    doc = json.loads(files["facts"].read_text())
    coverage = {
        "bucket_seconds": 3600,
        "buckets": 168,
        "filled": 168,
        "ratio": 1,
        "longest_gap_buckets": 0,
    }
    stats = {
        "samples": 168,
        "mean": 0.9,
        "p99": 900,
        "share_over_limit": {"limit": 500, "share": 0.2},
    }
    doc["monitoring"] = {
        "window": {"start": "2026-10-25T00:00:00Z", "end": AT, "seconds": 604800},
        "signals": [
            {"name": "latency_ms", "stats": stats, "coverage": coverage},
            {
                "name": "prediction_confidence",
                "stats": {**stats, "mean": 0.9},
                "coverage": coverage,
            },
        ],
        "drift": [],
    }
    files["facts"].write_text(json.dumps(doc))
    args = ["monitor", "-f", str(files["facts"]), "--drift", str(files["drift"]), "-e", "embedded"]
    assert main([*args, "--at", AT, "--format", "json"]) == 1
    decision = json.loads(capsys.readouterr().out)
    assert {v["control"] for v in decision["violations"]} == {"MLG-MON-002", "MLG-MON-003"}


def test_non_positive_window_is_a_usage_error(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*_args(files), "--window-days", "0"]) == 2
    assert "must be longer than 0 days" in capsys.readouterr().err


def test_reports_list_the_monitoring_controls_with_their_thresholds(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*_args(files, "slow"), "--format", "json"]) == 1
    details = json.loads(capsys.readouterr().out)["details"]
    assert details["thresholds_path"] == "data.mlgate.monitoring.thresholds.medium"
    status = {c["id"]: c["status"] for c in details["controls"]}
    assert status["MLG-MON-002"] == "fail" and status["MLG-MON-004"] == "pass"
    assert not [cid for cid in status if not cid.startswith("MLG-MON-")]  # no release controls
    (p99,) = next(c for c in details["controls"] if c["id"] == "MLG-MON-002")["thresholds"]
    assert p99 == {
        "path": "latency.p99_max_ms",
        "data_path": "data.mlgate.monitoring.thresholds.medium.latency.p99_max_ms",
        "value": 500,
    }
    assert main([*_args(files, "slow"), "--format", "junit"]) == 1
    junit = capsys.readouterr().out
    assert junit.count("<testcase ") == len(status) and "MLG-PERF-001" not in junit


def test_several_outputs_as_for_check(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junit, text = tmp_path / "monitor.xml", tmp_path / "monitor.txt"
    args = [*_args(files, "slow"), "-o", f"junit={junit}", "-o", f"text={text}"]
    assert main(args) == 1
    stdout = capsys.readouterr().out
    assert stdout.startswith("FAIL") and "  > rollback" in stdout  # the monitoring text report
    assert "  > rollback" in text.read_text()  # also in a text file
    assert "<testsuite" in junit.read_text() and "MLG-MON-002" in junit.read_text()


def test_an_unknown_output_format_is_refused_before_anything_is_decided(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "log.db"
    args = [*_args(files), "--log", str(log), "-o", f"pdf={tmp_path / 'r.pdf'}"]
    assert main(args) == 2
    captured = capsys.readouterr()
    assert "unknown format 'pdf'" in captured.err and captured.out == ""
    assert not log.exists() and not (tmp_path / "r.pdf").exists()


def test_a_baseline_given_twice_is_refused_not_the_last_one_kept(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    twice = ["--baseline", f"prediction_confidence={files['conf']}"] * 2
    assert main([*_args(files), *twice]) == 2
    assert "--baseline: the signal prediction_confidence is given twice" in capsys.readouterr().err


def test_a_baseline_without_a_name_asks_for_one(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*_args(files), "--baseline", str(files["conf"])]) == 2
    assert "name the signal: --baseline NAME=FILE" in capsys.readouterr().err


def test_a_confidence_outside_0_1_is_refused(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = g.write(tmp_path / "conf5.json", g.points(mean=5.0, sd=0.01))
    args = _args(files)
    args[6] = f"prediction_confidence={bad}"
    assert main(args) == 2
    err = capsys.readouterr().err
    assert f"{bad}: observation 1:" in err and "outside a confidence's range [0, 1]" in err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--window-days", "nan"], "--window-days nan: the window must be longer than 0 days"),
        (["--window-days", "inf"], "at most 366"),
        (["--window-days", "1e6"], "at most 366"),
        (["--timeout", "-1"], "--timeout -1: give the seconds"),
        (["--timeout", "0"], "--timeout 0: give the seconds"),
    ],
)
def test_out_of_range_options_are_usage_errors(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    assert main([*_args(files), *extra]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]


def test_an_evaluation_time_in_year_1_is_refused(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    args = _args(files)
    args[args.index("--at") + 1] = "0001-01-01T00:00:00Z"
    assert main(args) == 2
    assert "before 1971" in capsys.readouterr().err


def test_an_unwritable_output_is_refused_before_the_decision_is_logged(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "log.db"
    target = tmp_path / "no-such-dir" / "m.json"
    assert main([*_args(files), "--log", str(log), "-o", f"json={target}"]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not log.exists() and not target.exists()


def test_bad_evidence_leaves_no_log_file(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[]x", encoding="utf-8")
    log = tmp_path / "log.db"
    args = _args(files)
    args[4] = f"latency_ms:ms={bad}"
    assert main([*args, "--log", str(log)]) == 2
    assert not log.exists()
