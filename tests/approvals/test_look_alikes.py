"""Separation of duties is not beaten by a look-alike id (issue 20, item 2).

``d\\u0430na.ml`` (a Cyrillic ``\\u0430``) and ``dana.rnl`` (``rn`` reads as ``m``) look
like ``dana.ml``, the example model's author.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from mlgate.approvals.errors import ApprovalError
from mlgate.approvals.keys import generate
from mlgate.approvals.principals import load_principals
from mlgate.cli.main import main
from mlgate.facts.identity import identity_problem, mixed_scripts, same_person, skeleton
from tests.approvals.conftest import Keyring
from tests.approvals.test_flow import EXAMPLE, Run, approve, check
from tests.approvals.test_flow import run as run  # the fixture
from tests.conftest import REPO

CYRILLIC_DANA = "d\u0430na.ml"
PASSING = REPO / "examples/credit-risk/passing.yaml"


@pytest.mark.parametrize(
    ("look_alike", "original"),
    [
        (CYRILLIC_DANA, "dana.ml"),
        ("DANA.ML", "dana.ml"),
        ("dana.rnl", "dana.ml"),
        ("dana.m1", "dana.ml"),
        ("\u0441\u043e\u0441\u043e", "coco"),  # all Cyrillic: one script, still alike
        ("\u03bf\u03bc\u03b1\u03c1", "omar"),  # Greek omicron, mu, alpha, rho: not all alike
    ],
)
def test_skeletons(look_alike: str, original: str) -> None:
    alike = look_alike != "\u03bf\u03bc\u03b1\u03c1"
    assert same_person(look_alike, original) is alike, (skeleton(look_alike), skeleton(original))


def test_mixed_scripts_are_named() -> None:
    assert mixed_scripts(CYRILLIC_DANA) == ["CYRILLIC", "LATIN"]
    assert mixed_scripts("dana.ml") == mixed_scripts("\u0434\u0430\u043d\u0430") == []
    assert mixed_scripts("li.wei \u674e\u4f1f") == []  # Latin with Han is one writing system
    assert "Cyrillic and Latin" in str(identity_problem(CYRILLIC_DANA))


def _principals(tmp_path: Path, ids: list[str]) -> Path:
    tmp_path = tmp_path / str(len(list(tmp_path.iterdir())))
    tmp_path.mkdir()
    lines = ["apiVersion: mlgate/v1", "kind: Principals", "principals:"]
    for i, pid in enumerate(ids):
        _, public = generate(f"p{i}", tmp_path)
        lines += [
            f"  - id: {json.dumps(pid)}",
            "    roles: [model_risk]",
            f"    public_key: {public}",
        ]
    path = tmp_path / "principals.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_principals_file_with_a_look_alike_id_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ApprovalError, match="mixes the Cyrillic and Latin scripts"):
        load_principals(_principals(tmp_path, ["dana.ml", CYRILLIC_DANA]))
    with pytest.raises(ApprovalError, match=re.escape("'dana.rnl' looks like 'dana.ml'")):
        load_principals(_principals(tmp_path, ["dana.ml", "dana.rnl"]))
    with pytest.raises(ApprovalError, match="mixes"):
        load_principals(_principals(tmp_path, [CYRILLIC_DANA]))


@pytest.fixture
def lookalike_env(monkeypatch: pytest.MonkeyPatch, keyring: Keyring, log_location: str) -> Keyring:
    """The keyring without the author, and with dana.rnl as a model_risk principal."""
    _, public = generate("dana.rnl", keyring.root)
    text = keyring.principals.read_text().replace("dana.ml", "someone.else")
    text += f"  - id: dana.rnl\n    roles: [model_risk]\n    public_key: {public}\n"
    keyring.principals.write_text(text)
    monkeypatch.setenv("MLGATE_LOG", log_location)
    monkeypatch.setenv("MLGATE_PRINCIPALS", str(keyring.principals))
    return keyring


def test_a_look_alike_of_the_author_cannot_approve(run: Run, lookalike_env: Keyring) -> None:
    _, first, _ = check(run)
    decision = str(first["decision_id"])
    assert approve(run, lookalike_env, decision, "ml_lead", "priya.lead")[0] == 0
    code, _, err = approve(run, lookalike_env, decision, "model_risk", "dana.rnl")
    assert code == 2 and "look-alike of the model's author 'dana.ml'" in err
    assert check(run)[0] == 3


def test_facts_only_a_look_alike_approval_does_not_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLGATE_AT", "facts")
    monkeypatch.delenv("MLGATE_PRINCIPALS", raising=False)
    facts = yaml.safe_load(PASSING.read_text())
    argv = ["check", "--no-log", "-e", "embedded", "--format", "json", "-f"]
    for who, code in (("omar.risk", 0), ("dana.rnl", 3), ("DANA.M1", 3), (CYRILLIC_DANA, 2)):
        facts["approvals"][1]["principal"] = who
        path = tmp_path / "facts.json"
        path.write_text(json.dumps(facts, ensure_ascii=False), encoding="utf-8")
        assert main([*argv, str(path)]) == code, who
        out, err = capsys.readouterr()
        if code == 3:
            ignored = json.loads(out)["approvals_ignored"]
            assert any("author" in x["reason"] for x in ignored)
        if code == 2:
            assert "/approvals/1/principal" in err and "mixes the Cyrillic and Latin" in err


def test_the_example_still_needs_approval(run: Run, lookalike_env: Keyring) -> None:
    assert check(run, EXAMPLE)[0] == 3
