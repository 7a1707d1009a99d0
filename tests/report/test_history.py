"""The certification report shows the model's decision history when a decision log holds one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlgate.cli.main import main
from tests.conftest import REPO
from tests.report.test_html_browser import _Dom

EXAMPLES = REPO / "examples" / "credit-risk"


def _check(name: str, log: Path, tmp_path: Path) -> dict[str, str]:
    out = tmp_path / f"{name}.json"
    argv = ["check", "-f", str(EXAMPLES / f"{name}.yaml"), "--log", str(log), "--format", "json"]
    main([*argv, "-o", str(out)])
    doc = json.loads(out.read_text())
    return {
        "id": doc["decision_id"],
        "outcome": doc["outcome"],
        "version": doc["subject"]["version"],
    }


def _dom(html: str) -> _Dom:
    dom = _Dom()
    dom.feed(html)
    return dom


def test_the_report_lists_the_models_logged_decisions_newest_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "log.db"
    made = [_check(name, log, tmp_path) for name in ("passing", "failing", "needs-approval")]
    assert [m["outcome"] for m in made] == ["pass", "fail", "needs_approval"]
    capsys.readouterr()
    page = tmp_path / "report.html"
    assert main(["report", made[1]["id"], "--log", str(log), "-o", str(page)]) == 0
    dom = _dom(page.read_text())
    rows = dom.by_attr("data-decision")
    assert [r["data-decision"] for r in rows] == [m["id"] for m in reversed(made)]
    assert [r.get("class", "") for r in rows] == ["", "current", ""]  # the reported one
    text = dom.text["history"]
    assert text.index("NEEDS APPROVAL") < text.index("FAIL") < text.index("PASS")
    assert all(m["version"] in text for m in made)


def test_without_a_log_there_is_no_history(tmp_path: Path) -> None:
    decision = tmp_path / "d.json"
    argv = ["check", "-f", str(EXAMPLES / "passing.yaml"), "--no-log", "--format", "json"]
    main([*argv, "-o", str(decision)])
    page = tmp_path / "report.html"
    missing = tmp_path / "none.db"
    assert main(["report", str(decision), "--log", str(missing), "-o", str(page)]) == 0
    assert 'id="history"' not in page.read_text()
    assert not missing.exists()  # looking for history creates no log


def test_an_unreadable_log_is_a_warning_not_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    decision = tmp_path / "d.json"
    argv = ["check", "-f", str(EXAMPLES / "passing.yaml"), "--no-log", "--format", "json"]
    main([*argv, "-o", str(decision)])
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"this is not a database" * 100)
    capsys.readouterr()
    page = tmp_path / "report.html"
    assert main(["report", str(decision), "--log", str(broken), "-o", str(page)]) == 0
    assert "warning: no decision history" in capsys.readouterr().err
    assert 'id="history"' not in page.read_text()
