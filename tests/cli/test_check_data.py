"""``check --data FILE``: extra data merged over the bundle's (like ``opa eval -d``); the
decision records each file, the digest of its data and the paths it set."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mlgate.canonical import digest
from mlgate.cli.main import main
from tests.conftest import REPO

PASSING = str(REPO / "examples/credit-risk/passing.yaml")
STRICT = {"mlgate": {"thresholds": {"medium": {"performance": {"minimum": {"roc_auc": 0.95}}}}}}
Run = Callable[..., tuple[int, dict[str, Any], str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    def _run(*extra: str) -> tuple[int, dict[str, Any], str]:
        code = main(["check", "-f", PASSING, "-e", "embedded", "--format", "json", *extra])
        out, err = capsys.readouterr()
        return code, (json.loads(out) if out.strip() else {}), err

    return _run


def test_stricter_thresholds_overlaid_fail_the_model_and_are_recorded(
    run: Run, tmp_path: Path
) -> None:
    code, plain, _ = run("--no-log")
    assert code == 0 and "data_overlays" not in plain["bundle"]
    strict = tmp_path / "team-thresholds.yaml"
    strict.write_text("mlgate:\n  thresholds:\n    medium:\n      performance:\n"
                      "        minimum:\n          roc_auc: 0.95\n")  # fmt: skip
    code, doc, err = run("--no-log", "--data", str(strict))
    assert code == 1, err
    assert [v["control"] for v in doc["violations"]] == ["MLG-PERF-001"]
    assert "0.95" in doc["violations"][0]["message"]
    bundle = doc["bundle"]
    assert bundle["data_overlays"] == [
        {
            "file": str(strict),
            "digest": digest(STRICT),
            "paths": ["data.mlgate.thresholds.medium.performance.minimum.roc_auc"],
        }
    ]
    assert bundle["files_digest"] == plain["bundle"]["digest"]
    assert bundle["digest"] != plain["bundle"]["digest"]  # approvals bind to this digest
    # The rest of the thresholds are the bundle's: the merge is key by key.
    assert doc["details"]["thresholds_path"] == "data.mlgate.thresholds.medium"


def test_files_apply_in_order_and_are_logged(
    run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    first.write_text(json.dumps(STRICT))
    looser = json.loads(json.dumps(STRICT))
    looser["mlgate"]["thresholds"]["medium"]["performance"]["minimum"]["roc_auc"] = 0.5
    second.write_text(json.dumps(looser))
    code, doc, err = run("-d", str(first), "-d", str(second))
    assert code == 0, err
    assert [o["file"] for o in doc["bundle"]["data_overlays"]] == [str(first), str(second)]
    assert main(["log", "show", doc["decision_id"]]) == 0
    logged = capsys.readouterr().out
    assert str(second) in logged and doc["bundle"]["digest"] in logged


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.json", None, "missing.json: --data: cannot read"),
        ("list.json", "[1, 2]", "--data must hold an object"),
        ("dup.json", '{"a": 1, "a": 2}', "duplicate key 'a'"),
        ("bad.yaml", "a: [1\n", "bad.yaml"),
        ("data.toml", "a = 1", "--data takes a .json, .yaml or .yml file"),
        ("nan.json", '{"a": NaN}', "NaN"),
    ],
)
def test_a_bad_data_file_is_one_line_and_exit_2(
    run: Run, tmp_path: Path, name: str, content: str | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    code, doc, err = run("--no-log", "--data", str(path))
    assert code == 2 and doc == {} and err.count("\n") == 1, err
    assert message in err


def test_data_cannot_go_to_a_bundle_opa_already_serves(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_text("{}")
    code, _, err = run("--no-log", "--data", str(path), "--opa-no-push",
                       "--opa-url", "http://127.0.0.1:9")  # fmt: skip
    assert code == 2 and "--data needs a bundle mlgate pushes" in err
