"""The Markdown comment escapes every value from the facts or the bundle: a hostile
control id, revision, path, role or waiver cannot put raw HTML, a link or an image
into a PR/MR comment, and a decision never logged gets no ``mlgate approve`` of its id."""

from __future__ import annotations

import re
from typing import Any

import pytest

from mlgate.decisions.model import Decision
from mlgate.report.markdown import MarkdownFormatter

markdown_it = pytest.importorskip("markdown_it")

HOSTILE = (
    '<img src=x onerror="alert(1)"> [click](javascript:alert(1)) ![p](https://evil.example/p.png)'
    " ` \n\n```\n<script>alert(2)</script>\n| x |"
)


def _hostile_decision(logged: bool = True) -> dict[str, Any]:
    h = HOSTILE
    return {
        "decision_id": "01a2" + h,
        "outcome": "fail",
        "risk_tier": h,
        "subject": {"name": h, "version": h},
        "bundle": {"revision": h, "digest": "sha256:" + h},
        "input_digest": "sha256:" + h,
        "engine": {"name": h},
        "violations": [
            {"control": h, "message": h, "expected": h, "actual": {h: h}, "evidence": "/x"}
        ],
        "missing_evidence": [{"control": h, "path": h, "message": h}],
        "required_approvals": [{"role": h, "count": h, "given": h, "reason": h}],
        "waivers_applied": [
            {"control": h, "expires_at": h, "ticket": h, "approver": h, "reason": h}
        ],
        "details": {
            "enforced": True,
            **({} if logged else {"logged": False}),
            "controls": [
                {"id": h, "title": h, "severity": h, "status": h, "thresholds": [
                    {"path": h, "value": h}]},
                {"id": h, "title": h, "severity": h, "status": "pass"},
            ],
            "measures": [],
            "locations": {"/x": {"file": h, "line": 3}},
        },
    }  # fmt: skip


OWN_TAGS = {"h2", "h3", "p", "table", "thead", "tbody", "tr", "th", "td", "strong", "em", "code"}
OWN_TAGS |= {"ul", "li", "pre", "details", "summary", "sub", "br"}


def _html(text: str) -> str:
    return str(markdown_it.MarkdownIt("commonmark").enable("table").render(text))


@pytest.mark.parametrize("logged", [True, False])
def test_no_hostile_string_becomes_html_a_link_or_an_image(logged: bool) -> None:
    text = MarkdownFormatter().render(Decision(_hostile_decision(logged)))
    html = _html(text)
    tags = set(re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", html))
    # What a CommonMark renderer makes of the comment: mlgate's own structure only.
    assert tags <= OWN_TAGS, tags
    assert "href=" not in html  # no link, no image: the tags above hold no a or img
    # The comment's own lines: the fenced block (if any) is closed where mlgate closes it.
    fences = [n for n, line in enumerate(text.splitlines()) if line.startswith("```")]
    assert len(fences) == (2 if logged else 0)
    assert text.count("<!--") == 1  # the marker only


def test_a_decision_never_logged_offers_no_approve_command() -> None:
    doc = _hostile_decision(logged=False)
    doc["decision_id"] = "01a24524-0f16-7863-925a-3b9af1ab8d12"
    text = MarkdownFormatter().render(Decision(doc))
    assert "mlgate approve 01a2" not in text
    assert "not recorded (`--no-log`)" in text
    doc["details"].pop("logged")
    assert "mlgate approve 01a24524-0f16-7863-925a-3b9af1ab8d12 --role" in (
        MarkdownFormatter().render(Decision(doc))
    )
