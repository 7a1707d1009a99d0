"""Issue 19: the HTML report must not mislead a non-expert, checked in headless Chromium.

Approvals written in the facts read as unsigned claims; approvals and
rejections recorded against the decision afterwards are shown, dated; controls
the tier sets no requirement for are "not applicable", not "pass"; thresholds
and expected values read as sentences, the raw values kept in a title.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mlgate.decisions.model import Decision
from mlgate.report.html import HtmlFormatter
from tests.approvals.conftest import Keyring
from tests.conftest import REPO
from tests.report.conftest import EXAMPLE, FAILING, Run
from tests.report.test_html_browser import _Dom, browse

NEEDS_APPROVAL = REPO / "examples/credit-risk/needs-approval.yaml"


def _in_chromium(html: str, tmp_path: Path) -> tuple[str, _Dom]:
    """The page as Chromium renders it (screenshot taken, DOM dumped)."""
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    shot = tmp_path / "report.png"
    done = browse(page, tmp_path, "--window-size=1200,2400", f"--screenshot={shot}")
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    dumped = browse(page, tmp_path, "--dump-dom")
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    dom = _Dom()
    dom.feed(dumped.stdout)
    return dumped.stdout, dom


def _rows(page: str, table: str) -> list[str]:
    body = re.search(rf'<table id="{table}">.*?<tbody>(.*?)</tbody>', page, re.S)
    assert body, f"no table {table}"
    return re.findall(r"<tr[^>]*>.*?</tr>", body.group(1), re.S)


def _text(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def test_approvals_in_the_facts_read_as_unsigned_claims(
    decide: Callable[..., dict[str, Any]], tmp_path: Path
) -> None:
    doc = decide(EXAMPLE)  # no principals file: the facts' approvals are evaluated as given
    assert doc["outcome"] == "pass" and doc["details"]["approvals_verified"] is False
    page, dom = _in_chromium(HtmlFormatter().render(Decision(doc)), tmp_path)
    rows = _rows(page, "given-approvals")
    assert len(rows) == len(doc["details"]["evidence"]["approvals"]) >= 1
    for row in rows:
        assert 'data-verified="false"' in row
        assert "unsigned claim written in the facts (no signature verified)" in _text(row)
        assert ">valid<" not in row
    assert "not signatures mlgate verified" in dom.text["unsigned-claims"]


def test_report_by_id_shows_approvals_recorded_after_the_decision(
    run: Run, in_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = tmp_path / "keys"
    keys.mkdir()
    ring = Keyring(keys)
    log = str(tmp_path / "log.db")
    monkeypatch.setenv("MLGATE_PRINCIPALS", str(ring.principals))
    code, out, err = run("check", "-f", str(NEEDS_APPROVAL), "-e", "embedded", "--log", log,
                         "--format", "json")  # fmt: skip
    assert code == 3, err
    decision_id = json.loads(out)["decision_id"]
    for role, who, extra in (
        ("ml_lead", "priya.lead", ()),
        ("model_risk", "omar.risk", ("--reject",)),
    ):
        code, _, err = run("approve", decision_id, "--role", role, "--as", who,
                           "--key", str(ring.key(who)), "--log", log, "--comment", f"<b>{who}</b>",
                           *extra)  # fmt: skip
        assert code == 0, err
    target = tmp_path / "r.html"
    code, _, err = run("report", decision_id[:8], "--log", log, "-o", str(target))
    assert code == 0, err
    page, dom = _in_chromium(target.read_text(encoding="utf-8"), tmp_path)
    rows = [_text(r) for r in _rows(page, "approvals-after")]
    assert len(rows) == 2
    assert "priya.lead ml_lead approve" in rows[0] and "omar.risk model_risk reject" in rows[1]
    assert all(re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", r) for r in rows)  # dated
    raw_rows = _rows(page, "approvals-after")
    assert "&lt;b&gt;priya.lead&lt;/b&gt;" in raw_rows[0]  # a comment is text, not markup
    assert "after it was made" in page and f"mlgate status {decision_id}" in page
    assert dom.text["outcome"].strip() == "NEEDS APPROVAL"  # the outcome itself is the logged one


def test_controls_without_a_requirement_at_the_tier_are_not_applicable(
    decide: Callable[..., dict[str, Any]], tmp_path: Path
) -> None:
    doc = decide(FAILING)
    idle = [c for c in doc["details"]["controls"] if c["status"] == "not_applicable"]
    assert idle, "the medium tier sets no requirement for some controls"
    for c in idle:
        assert c["thresholds"] and all(t["value"] in ({}, [], False) for t in c["thresholds"])
        assert all(t["value"] is False or not t["value"] for t in c["thresholds"])
    page, _ = _in_chromium(HtmlFormatter().render(Decision(doc)), tmp_path)
    chips = dict(re.findall(r'<b data-status="(\w+)" class="count">(\d+)</b>', page))
    assert int(chips["not_applicable"]) == len(idle)
    assert int(chips["pass"]) == sum(1 for c in doc["details"]["controls"] if c["status"] == "pass")
    for c in idle:
        row = re.search(rf'<tr class="control" data-control="{c["id"]}"[^>]*>.*?</tr>', page, re.S)
        assert row and 'data-status="not_applicable"' in row.group(0)
        shown = _text(row.group(0))
        assert '<span class="pill not_applicable">not applicable</span>' in row.group(0)
        assert "no requirement at this tier" in shown or "not required" in shown


def test_thresholds_and_expected_values_read_as_sentences(
    decide: Callable[..., dict[str, Any]], tmp_path: Path
) -> None:
    doc = decide(FAILING)
    page, _ = _in_chromium(HtmlFormatter().render(Decision(doc)), tmp_path)
    fair = re.search(r'<tr class="violation" data-control="MLG-FAIR-001">.*?</tr>', page, re.S)
    assert fair
    cell = re.search(r'<td class="expected" title="([^"]*)">([^<]*)</td>', fair.group(0))
    assert cell and cell.group(2) == "at least 0.8 selection_rate ratio across sex"
    raw = cell.group(1).replace("&quot;", '"')
    assert json.loads(raw) == {"metric": "selection_rate", "minimum_ratio": 0.8}
    expected_cells = re.findall(r'<td class="expected" title="[^"]*">([^<]*)</td>', page)
    assert len(expected_cells) == len(doc["violations"])
    assert not any("{" in text or '"' in text for text in expected_cells)
    limits = dict(
        (t.replace("&quot;", '"'), w)
        for t, w in re.findall(r'<span class="limit" title="([^"]*)">([^<]*)</span>', page)
    )
    prefix = "data.mlgate.thresholds.medium."
    assert limits[prefix + "security.max_vulnerabilities.high = 3"] == (
        "at most 3 high vulnerabilities"
    )
    assert limits[prefix + 'fairness.minimum_ratio = {"selection_rate": 0.8}'] == (
        "at least 0.8 selection_rate ratio across sex"
    )
    assert limits[prefix + "robustness.required = true"] == "robustness required"
    assert not any("{" in w for w in limits.values())
