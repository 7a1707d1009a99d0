"""Decision-log masking (``mlgate.logstore.mask``): pointers, wildcards, and the
stored bytes. Complements ``tests/logstore/test_mask_export.py``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mlgate.canonical import digest
from mlgate.cli.main import main
from mlgate.logstore.mask import MaskRule, apply, masked_strings, parse_rules, scrub
from tests.conftest import minimal_facts

# lower case: normalisation casefolds owner and actor, so a leak keeps this spelling
OWNER = "owner-planted-name"
ACTOR = "actor-planted-login"
INTENDED_USE = "intended-use-planted-text"
SOURCE_FILE = "/home/planted/eval.json"
RUN_ID = "planted0run0id0f2c41d0"


def test_escaped_pointer_tokens_name_keys_with_slash_and_tilde() -> None:
    doc = {"x": {"a/b": 1, "m~n": 2, "keep": 3}}
    rules = parse_rules(
        [{"op": "remove", "path": "/x/a~1b"}, {"op": "hash", "path": "/x/m~0n"}], "r"
    )
    masked, applied = apply(doc, rules)
    assert masked == {"x": {"m~n": digest(2), "keep": 3}}
    assert applied == [{"op": "hash", "path": "/x/m~0n"}, {"op": "remove", "path": "/x/a~1b"}]


def test_nested_wildcards_hash_every_match_and_equal_values_match() -> None:
    doc = {
        "fairness": [
            {"metric": "tpr", "by_group": {"f": 0.7, "m": 0.8}},
            {"metric": "fpr", "by_group": {"f": 0.7, "x": {"nested": [1]}}},
        ]
    }
    masked, applied = apply(doc, (MaskRule("hash", "/fairness/*/by_group/*"),))
    groups = [item["by_group"] for item in masked["fairness"]]
    assert groups[0] == {"f": digest(0.7), "m": digest(0.8)}
    assert groups[1]["f"] == groups[0]["f"]  # equal values can still be matched
    assert groups[1]["x"] == digest({"nested": [1]})  # a subtree hashes as canonical JSON
    assert [m["metric"] for m in masked["fairness"]] == ["tpr", "fpr"]
    assert len(applied) == 4 and all(a["op"] == "hash" for a in applied)


def test_remove_wins_and_a_removed_ancestor_takes_its_children() -> None:
    doc = {"subject": {"owner": "o", "name": "m"}, "context": {"actor": "a"}}
    rules = (
        MaskRule("hash", "/subject/owner"),
        MaskRule("remove", "/subject"),
        MaskRule("hash", "/context/actor"),
        MaskRule("remove", "/context/actor"),
    )
    masked, applied = apply(doc, rules)
    assert masked == {"context": {}}
    assert {"op": "remove", "path": "/context/actor"} in applied  # not hashed as well
    assert {"op": "hash", "path": "/context/actor"} not in applied
    assert applied[-1] == {"op": "remove", "path": "/subject"}


def test_a_wildcard_below_a_scalar_or_past_the_end_matches_nothing() -> None:
    doc = {"subject": {"name": "m"}, "metrics": [{"name": "f1"}]}
    rules = (MaskRule("remove", "/subject/name/*"), MaskRule("remove", "/metrics/5"))
    assert apply(doc, rules) == (doc, [])


def _check_with_mask(
    tmp_path: Path,
    echo_bundle: Path,
    write_facts: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    rules: list[dict[str, str]],
) -> tuple[Path, dict[str, Any]]:
    facts = minimal_facts(want="pass", actor=ACTOR)
    facts["subject"]["owner"] = OWNER
    facts["subject"]["intended_use"] = INTENDED_USE
    facts["metrics"][0]["source"]["file"] = SOURCE_FILE
    run = {"name": "accuracy", "value": 0.5, "source": {"tool": "mlflow", "run_id": RUN_ID}}
    facts["metrics"].append(run)  # its source is shown as "run_id …" in the report details
    mask = tmp_path / "mask.yaml"
    mask.write_text(json.dumps({"mask": rules}))
    monkeypatch.setenv("MLGATE_LOG_MASK", str(mask))
    log = tmp_path / "masked.db"
    argv = ["check", "-f", str(write_facts(facts)), "-b", str(echo_bundle), "--log", str(log)]
    assert main(argv) == 0
    export = tmp_path / "export.jsonl"
    assert main(["log", "export", "--log", str(log), "-o", str(export)]) == 0
    return log, json.loads(export.read_text().splitlines()[0])


def test_masked_values_never_reach_the_stored_log(
    tmp_path: Path,
    echo_bundle: Path,
    write_facts: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rules = [
        {"op": "remove", "path": "/subject/owner"},
        {"op": "hash", "path": "/subject/intended_use"},
    ]
    log, record = _check_with_mask(tmp_path, echo_bundle, write_facts, monkeypatch, rules)
    raw = log.read_bytes() + (tmp_path / "export.jsonl").read_bytes()
    assert OWNER.encode() not in raw and INTENDED_USE.encode() not in raw
    assert "owner" not in record["facts"]["subject"]
    assert record["facts"]["subject"]["intended_use"] == digest(INTENDED_USE)
    assert record["masked"] == [
        {"op": "hash", "path": "/subject/intended_use"},
        {"op": "remove", "path": "/subject/owner"},
    ]
    assert main(["log", "verify", "--log", str(log)]) == 0  # masking happens before hashing


@pytest.mark.parametrize(
    ("pointer", "planted"),
    [
        ("/context/actor", ACTOR),
        ("/metrics/*/source", SOURCE_FILE),
        ("/metrics/*/source/run_id", RUN_ID),
    ],
    ids=["actor", "source", "inside a composed string"],
)
def test_a_masked_value_is_not_stored_elsewhere_in_the_record(
    tmp_path: Path,
    echo_bundle: Path,
    write_facts: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    pointer: str,
    planted: str,
) -> None:
    rules = [{"op": "remove", "path": pointer}]
    log, record = _check_with_mask(tmp_path, echo_bundle, write_facts, monkeypatch, rules)
    assert record["masked"]  # the facts copy was masked ...
    assert planted.encode() not in log.read_bytes()  # ... but not the rest of the record


def test_masked_strings_and_scrub_replace_whole_values_and_long_ones_inside_text() -> None:
    doc = {"context": {"actor": "ci-bot"}, "metrics": [{"source": {"file": "a.json"}}]}
    applied = [
        {"op": "hash", "path": "/context/actor"},
        {"op": "remove", "path": "/metrics/0/source"},
    ]
    replacements = masked_strings(doc, applied)
    assert replacements == {"ci-bot": digest("ci-bot"), "a.json": "(masked)"}
    shown = {"files": ["a.json", "b.json"], "note": "a.json is here", "by": "ci-bot"}
    assert scrub(shown, replacements) == {
        "files": ["(masked)", "b.json"],
        "note": "(masked) is here",  # a string built from a masked value
        "by": digest("ci-bot"),
    }
    short = {"7": "(masked)"}  # too short to look for inside other text
    assert scrub({"n": "7", "m": "17 of 70"}, short) == {"n": "(masked)", "m": "17 of 70"}


def test_text_put_in_for_one_masked_value_is_not_searched_for_another() -> None:
    hashed = "alice-prod"
    inside = digest(hashed)[10:16]  # a masked value that happens to occur in that digest
    replacements = {"svc-account-prod": "(masked)", "sked": "(masked)", hashed: digest(hashed)}
    replacements[inside] = "(masked)"
    assert scrub("mlflow://svc-account-prod/run", replacements) == "mlflow://(masked)/run"
    assert scrub(f"user {hashed} at ci", replacements) == f"user {digest(hashed)} at ci"
    assert scrub("alice-prod@ci-host", replacements) == f"{digest(hashed)}@ci-host"
