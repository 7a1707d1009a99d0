"""Masking rules, JSON-lines and OPA-event export, and the OPA decision-log endpoint."""

from __future__ import annotations

import gzip
import hashlib
import http.client
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mlgate.canonical import canonical_json, digest
from mlgate.distribution.log_serve import make_server
from mlgate.logstore.chain import verify_rows
from mlgate.logstore.errors import LogStoreError
from mlgate.logstore.export import ExportFormat, export_lines
from mlgate.logstore.mask import MaskRule, apply, configured_rules, parse_rules
from mlgate.logstore.open import open_store

FACTS = {
    "subject": {"name": "m", "version": "1", "owner": "Dana Q"},
    "metrics": [{"name": "auc", "source": {"file": "a"}}, {"name": "f1", "source": {"file": "b"}}],
    "context": {"actor": "dana"},
}


def test_remove_and_hash_rules_with_wildcards() -> None:
    rules = parse_rules(
        [
            {"op": "hash", "path": "/subject/owner"},
            {"op": "remove", "path": "/metrics/*/source"},
            {"op": "remove", "path": "/context/actor"},
            {"op": "remove", "path": "/not/there"},
        ],
        "rules",
    )
    masked, applied = apply(FACTS, rules)
    assert masked["subject"]["owner"] == digest("Dana Q")
    assert masked["metrics"] == [{"name": "auc"}, {"name": "f1"}]
    assert masked["context"] == {}
    assert FACTS["context"] == {"actor": "dana"}  # the input is untouched
    assert {"op": "remove", "path": "/metrics/0/source"} in applied
    assert {"op": "hash", "path": "/subject/owner"} in applied
    assert len(applied) == 4


def test_removing_several_array_items_keeps_the_others() -> None:
    masked, _ = apply({"l": [1, 2, 3]}, (MaskRule("remove", "/l/0"), MaskRule("remove", "/l/2")))
    assert masked == {"l": [2]}  # paths name items of the document as given


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ({"op": "remove"}, "must be a list"),
        ([{"op": "drop", "path": "/a"}], "op must be remove or hash"),
        ([{"op": "remove", "path": "a"}], "JSON pointer"),
        ([{"op": "remove", "path": "/"}], "JSON pointer"),
        ([{"op": "remove", "path": "/a", "value": 1}], "must be {op, path}"),
    ],
)
def test_malformed_rules_are_refused(rules: Any, message: str) -> None:
    with pytest.raises(LogStoreError, match=message):
        parse_rules(rules, "rules")


def test_rules_come_from_the_bundle_and_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = tmp_path / "mask.yaml"
    extra.write_text("mask:\n  - {op: hash, path: /context/actor}\n")
    monkeypatch.setenv("MLGATE_LOG_MASK", str(extra))
    data = {"mlgate": {"log": {"mask": [{"op": "remove", "path": "/subject/owner"}]}}}
    assert configured_rules(data) == (
        MaskRule("remove", "/subject/owner"),
        MaskRule("hash", "/context/actor"),
    )
    extra.write_text("mask: [{op: erase, path: /x}]\n")
    with pytest.raises(LogStoreError, match="op must be remove or hash"):
        configured_rules({})


def _decision_body(masked: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "kind": "decision",
        "decision_id": "d-1",
        "subject": {"name": "m", "version": "1"},
        "outcome": "pass",
        "bundle": {"revision": "r7", "digest": "sha256:" + "b" * 64},
        "facts": {"subject": {"name": "m"}},
        "masked": masked,
        "decision": {"outcome": "pass"},
        "actor": "ci",
    }


def test_jsonl_export_lines_verify_on_their_own(log_location: str) -> None:
    store = open_store(log_location)
    store.append([_decision_body([]), _decision_body([])])
    lines = list(export_lines(store.rows(), ExportFormat.JSONL))
    store.close()
    prev = "sha256:" + "0" * 64
    for line in lines:
        record = json.loads(line)
        claimed = record.pop("hash")
        assert claimed == "sha256:" + hashlib.sha256(canonical_json(record)).hexdigest()
        assert record["prev_hash"] == prev
        prev = claimed


def test_opa_export_has_the_decision_log_event_shape(log_location: str) -> None:
    store = open_store(log_location)
    masked = [{"op": "remove", "path": "/subject/owner"}, {"op": "hash", "path": "/context/actor"}]
    store.append([_decision_body(masked)])
    (line,) = export_lines(store.rows(), ExportFormat.OPA)
    store.close()
    event = json.loads(line)
    assert event["decision_id"] == "d-1"
    assert event["path"] == "mlgate/decision"
    assert event["input"] == {"subject": {"name": "m"}}
    assert event["result"] == {"outcome": "pass"}
    assert event["bundles"] == {"mlgate": {"revision": "r7"}}
    assert event["erased"] == ["/input/subject/owner"]
    assert event["masked"] == ["/input/context/actor"]
    assert event["requested_by"] == "ci" and event["timestamp"].endswith("Z")
    assert event["labels"]["app"] == "mlgate"


@pytest.fixture
def served(log_location: str) -> Iterator[tuple[int, str]]:
    store = open_store(log_location)
    server = make_server(store, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port, log_location
    server.shutdown()
    server.server_close()
    store.close()


def _post(port: int, body: bytes, encoding: str | None = "gzip") -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Content-Type": "application/json"}
    if encoding:
        headers["Content-Encoding"] = encoding
    conn.request("POST", "/logs", body=body, headers=headers)
    status = conn.getresponse().status
    conn.close()
    return status


def test_serve_accepts_opa_uploads_into_the_chain(served: tuple[int, str]) -> None:
    port, location = served
    events = [
        {
            "decision_id": f"opa-{i}",
            "path": "mlgate/decision",
            "input": {"i": i},
            "result": {"outcome": "pass"},
            "bundles": {"mlgate": {"revision": "r1"}},
            "labels": {"id": "opa-1", "version": "1.0.0"},
            "timestamp": "2026-11-01T00:00:00Z",
        }
        for i in range(3)
    ]
    assert _post(port, gzip.compress(json.dumps(events).encode())) == 204
    assert _post(port, json.dumps(events[:1]).encode(), encoding=None) == 204
    assert _post(port, gzip.compress(b"{not json")) == 400
    assert _post(port, b"not gzip at all") == 400
    assert _post(port, gzip.compress(b'{"an": "object"}')) == 400
    assert _post(port, gzip.compress(b"[" + b" " * (17 * 1024 * 1024) + b"]")) == 413
    store = open_store(location)
    rows = list(store.rows())
    assert verify_rows(rows, store.head()).ok
    store.close()
    assert [r.columns["decision_id"] for r in rows] == ["opa-0", "opa-1", "opa-2", "opa-0"]
    assert rows[0].columns["kind"] == "opa_event" and rows[0].columns["outcome"] == "pass"
    assert json.loads(next(iter(export_lines(rows[:1], ExportFormat.OPA)))) == events[0]


@pytest.mark.parametrize(
    "body",
    [
        b'[{"result": NaN}]',
        b'[{"result": 1e999}]',
        b'[{"result": "\\ud800"}]',
        b"[" + b'{"a":' * 100_000 + b"1" + b"}" * 100_000 + b"]",
    ],
    ids=["NaN", "infinite", "lone surrogate", "deep"],
)
def test_serve_answers_400_to_an_event_the_log_cannot_store(
    served: tuple[int, str], body: bytes
) -> None:
    port, location = served
    assert _post(port, gzip.compress(body)) == 400
    good = [{"decision_id": "ok", "labels": [1]}]  # odd labels are stored as they are
    assert _post(port, gzip.compress(json.dumps(good).encode())) == 204  # still serving
    store = open_store(location)
    rows = list(store.rows())
    store.close()
    assert [r.columns["decision_id"] for r in rows] == ["ok"]
