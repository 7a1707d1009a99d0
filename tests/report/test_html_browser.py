"""The HTML report in a real headless Chromium: it loads, draws, and shows the decision's numbers.

Chromium (Debian ``chromium``) is installed by ``.ci/system-deps``; without it
this test fails rather than skips, unless ``MLGATE_SKIP_BROWSER=1``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from mlgate.decisions.model import Decision
from mlgate.report.html import HtmlFormatter
from mlgate.report.svg import num
from tests.conftest import REPO
from tests.report.conftest import FAILING

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


_VOID = frozenset({"meta", "br", "img", "link", "input", "hr", "col", "wbr", "source"})


class _Dom(HTMLParser):
    """Elements by id and every element's attributes, plus the text under each id."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text: dict[str, str] = {}
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        self.elements.append((tag, found))
        if tag in _VOID:
            return
        self._open.append(found.get("id", ""))
        if found.get("id"):
            self.text.setdefault(found["id"], "")

    def handle_endtag(self, tag: str) -> None:
        if tag not in _VOID and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for ident in self._open:
            if ident:
                self.text[ident] += data

    def by_attr(self, name: str) -> list[dict[str, str]]:
        return [a for _, a in self.elements if name in a]


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("MLGATE_SKIP_BROWSER") == "1":
            pytest.skip("MLGATE_SKIP_BROWSER=1 and no chromium")
        pytest.fail("chromium is not installed: run `bash .ci/system-deps` (Debian chromium)")
    return found


def browse(page: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "chromium-profile"
    return subprocess.run(
        [chromium(), *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_report_loads_in_chromium_and_shows_the_decisions_numbers(
    decide: Callable[..., dict[str, Any]], tmp_path: Path
) -> None:
    doc = decide(FAILING)
    page = tmp_path / "report.html"
    page.write_text(HtmlFormatter().render(Decision(doc)), encoding="utf-8")

    shot = tmp_path / "report.png"
    done = browse(page, tmp_path, "--window-size=1200,2400", f"--screenshot={shot}")
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000

    dumped = browse(page, tmp_path, "--dump-dom")
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    dom = _Dom()
    dom.feed(dumped.stdout)

    outcome = [a for _, a in dom.elements if a.get("id") == "outcome"]
    assert outcome and outcome[0]["data-outcome"] == "fail"
    assert dom.text["decision-id"].strip() == doc["decision_id"]
    assert dom.text["input-digest"].strip() == doc["input_digest"]
    assert dom.text["bundle-digest"].strip() == doc["bundle"]["digest"]

    measures = {(a["data-control"], a["data-name"]): a for a in dom.by_attr("data-threshold")}
    expected = [m for m in doc["details"]["measures"] if m["kind"] != "vulnerabilities"]
    assert len(measures) == len(expected) > 0
    for m in expected:
        shown = measures[(m["control"], m["name"])]
        assert shown["data-value"] == num(m["value"])
        assert shown["data-threshold"] == num(m["threshold"])
        assert shown["data-failed"] == str(m["failed"]).lower()
    roc = measures[("MLG-PERF-001", "roc_auc")]
    assert (roc["data-value"], roc["data-threshold"], roc["data-failed"]) == (
        "0.712",
        "0.75",
        "true",
    )

    groups = {a["data-group"]: a["data-value"] for a in dom.by_attr("data-group")}
    assert groups == {"female": "0.24", "male": "0.33"}
    counts = {a["data-severity"]: int(a["data-count"]) for a in dom.by_attr("data-severity")}
    assert counts == doc["details"]["evidence"]["vulnerabilities"]["by_severity"]
    assert counts["critical"] == 1 and counts["high"] == 4
    limits = {a["data-severity"]: a["data-limit"] for a in dom.by_attr("data-limit")}
    assert limits == {
        m["severity"]: num(m["threshold"])
        for m in doc["details"]["measures"]
        if m["kind"] == "vulnerabilities"
    }
    assert limits == {"critical": "0", "high": "3"}

    statuses = {a["data-status"]: int(dom_text) for a, dom_text in _status_counts(dumped.stdout)}
    from collections import Counter

    assert statuses == {
        s: Counter(c["status"] for c in doc["details"]["controls"]).get(s, 0)
        for s in ("fail", "missing_evidence", "waived", "pass", "not_applicable")
    } | {"approval_required": len(doc["required_approvals"])}
    rows = [a for _, a in dom.elements if a.get("class") == "violation"]
    assert len(rows) == len(doc["violations"])


def test_the_approvals_chip_counts_the_roles_outstanding(
    decide: Callable[..., dict[str, Any]], tmp_path: Path
) -> None:
    """Issue 19: two roles outstanding read "1 approval required" (one control)."""
    case = yaml.safe_load(
        (REPO / "tests/cases/approvals_high_tier_none_given_needs_all_roles.yaml").read_text()
    )
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps(case["facts"]), encoding="utf-8")
    doc = decide(str(facts))
    roles = len(doc["required_approvals"])
    assert roles >= 2
    page = tmp_path / "report.html"
    page.write_text(HtmlFormatter().render(Decision(doc)), encoding="utf-8")
    shot = tmp_path / "report.png"
    done = browse(page, tmp_path, "--window-size=1200,1600", f"--screenshot={shot}")
    assert done.returncode == 0 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    dumped = browse(page, tmp_path, "--dump-dom")
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    statuses = {a["data-status"]: int(n) for a, n in _status_counts(dumped.stdout)}
    assert statuses["approval_required"] == roles
    assert f'class="count">{roles}</b>approvals required' in dumped.stdout


def _status_counts(page: str) -> list[tuple[dict[str, str], str]]:
    import re

    pattern = re.compile(r'<b data-status="(\w+)" class="count">(\d+)</b>')
    return [({"data-status": s}, n) for s, n in pattern.findall(page)]


def test_report_is_self_contained(decide: Callable[..., dict[str, Any]]) -> None:
    html = HtmlFormatter().render(Decision(decide(FAILING)))
    dom = _Dom()
    dom.feed(html)
    for tag, attrs in dom.elements:
        for name in ("src", "href", "action", "data", "xlink:href"):
            assert name not in attrs, (tag, attrs)
    assert tag != "script" and "<script" not in html and "@import" not in html
    assert "default-src 'none'" in html  # the page may load nothing, even by mistake
