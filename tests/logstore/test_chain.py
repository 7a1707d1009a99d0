"""The hash chain on both stores: appends link up, and every kind of tampering is found."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from typing import Any

import pytest

from mlgate.logstore.base import LogStore, Query
from mlgate.logstore.chain import GENESIS, Report, verify_rows
from mlgate.logstore.errors import CorruptLogError, LogStoreError
from mlgate.logstore.lookup import find_decision
from mlgate.logstore.open import open_store
from tests.logstore.conftest import run_sql

Sql = Callable[..., list[tuple[Any, ...]]]


def entry(i: int, outcome: str = "pass") -> dict[str, Any]:
    return {
        "kind": "decision",
        "decision_id": f"d-{i}",
        "subject": {"name": "m", "version": str(i % 3)},
        "outcome": outcome,
        "bundle": {"revision": f"r{i % 2}", "digest": "sha256:" + "b" * 64},
        "evidence_digest": "sha256:" + "e" * 64,
        "facts": {"i": i, "ratio": 0.1, "name": "Straße"},
    }


def verify(location: str) -> Report:
    store = open_store(location)
    try:
        with store.snapshot():
            return verify_rows(store.rows(batch=2), store.head())
    finally:
        store.close()


@pytest.fixture
def five(log_location: str) -> LogStore:
    store = open_store(log_location)
    for i in range(1, 6):
        store.append([entry(i, "fail" if i == 3 else "pass")])
    store.close()
    return store


def test_records_link_and_hash_their_canonical_body(log_location: str) -> None:
    store = open_store(log_location)
    rows = store.append([entry(1), entry(2)]) + store.append([entry(3)])
    assert [r.seq for r in rows] == [1, 2, 3]
    prev = GENESIS
    for row in rows:
        body = json.loads(row.body)
        assert body["prev_hash"] == prev and body["seq"] == row.seq
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert row.hash == "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()
        prev = row.hash
    assert store.head() is not None and store.head().hash == rows[-1].hash  # type: ignore[union-attr]
    store.close()
    report = verify(log_location)
    assert report.ok and report.count == 3 and report.head == rows[-1].hash


def test_an_empty_log_verifies(log_location: str) -> None:
    report = verify(log_location)
    assert report.ok and report.count == 0


def test_a_failed_batch_appends_nothing(log_location: str) -> None:
    store = open_store(log_location)
    store.append([entry(1)])
    bad = {**entry(3), "facts": {"x": math.nan}}
    with pytest.raises(ValueError):
        store.append([entry(2), bad])
    assert [r.seq for r in store.rows()] == [1]
    assert store.append([entry(2)])[0].seq == 2
    store.close()
    assert verify(log_location).ok


def test_select_filters_and_limit(log_location: str, five: LogStore) -> None:
    store = open_store(log_location)
    assert [r.seq for r in store.select(Query(outcome="fail"))] == [3]
    assert [r.seq for r in store.select(Query(version="1"))] == [1, 4]
    assert [r.seq for r in store.select(Query(bundle_revision="r0"))] == [2, 4]
    assert [r.seq for r in store.select(Query(limit=2))] == [4, 5]
    t3 = store.select(Query(decision_id="d-3"))[0].columns["time"]
    assert next(r.seq for r in store.select(Query(since=t3))) == 3
    assert all(r.seq < 3 or r.columns["time"] == t3 for r in store.select(Query(until=t3)))
    store.close()


def test_edited_record_is_found(log_location: str, five: LogStore, sql: Sql) -> None:
    (body,) = sql("SELECT body FROM mlgate_log WHERE seq = 3")[0]
    sql("UPDATE mlgate_log SET body = ? WHERE seq = 3", body.replace('"fail"', '"pass"'))
    report = verify(log_location)
    assert not report.ok and report.bad_seq == 3
    assert report.problem == "record 3: its content does not match its hash (edited)"


def test_edited_record_with_recomputed_hash_breaks_the_next_link(
    log_location: str, five: LogStore, sql: Sql
) -> None:
    (body,) = sql("SELECT body FROM mlgate_log WHERE seq = 3")[0]
    forged = body.replace('"fail"', '"pass"')
    digest = "sha256:" + hashlib.sha256(forged.encode()).hexdigest()
    sql("UPDATE mlgate_log SET body = ?, hash = ?, outcome = 'pass' WHERE seq = 3", forged, digest)
    report = verify(log_location)
    assert not report.ok and report.bad_seq == 4
    assert report.problem is not None and "record 4: it does not link to record 3" in report.problem


def test_edited_index_column_is_found(log_location: str, five: LogStore, sql: Sql) -> None:
    sql("UPDATE mlgate_log SET outcome = 'pass' WHERE seq = 3")
    report = verify(log_location)
    assert report.problem == "record 3: column outcome is 'pass', the record says 'fail' (edited)"


def test_deleted_record_is_found(log_location: str, five: LogStore, sql: Sql) -> None:
    sql("DELETE FROM mlgate_log WHERE seq = 3")
    report = verify(log_location)
    assert report.bad_seq == 3 and report.count == 2
    assert report.problem == "record 3 is missing: the chain jumps from 2 to 4 (deleted)"


def test_deleted_last_record_is_found_by_the_head(
    log_location: str, five: LogStore, sql: Sql
) -> None:
    sql("DELETE FROM mlgate_log WHERE seq = 5")
    report = verify(log_location)
    assert not report.ok and report.problem is not None
    assert "records 5..5 were removed from the end" in report.problem


def test_deleted_head_is_found(log_location: str, five: LogStore, sql: Sql) -> None:
    sql("DELETE FROM mlgate_log_head")
    assert verify(log_location).problem == "the log head is missing: it was removed"


def test_inserted_record_in_the_middle_is_found(
    log_location: str, five: LogStore, sql: Sql
) -> None:
    sql("UPDATE mlgate_log SET seq = seq + 1000 WHERE seq >= 3")
    sql("UPDATE mlgate_log SET seq = seq - 999 WHERE seq >= 1000")
    (prev,) = sql("SELECT hash FROM mlgate_log WHERE seq = 2")[0]
    body = json.dumps({**entry(99), "seq": 3, "prev_hash": prev, "time": "2026-01-01"})
    digest = "sha256:" + hashlib.sha256(body.encode()).hexdigest()
    sql(
        "INSERT INTO mlgate_log (seq, hash, body, kind, decision_id) VALUES (3, ?, ?, ?, ?)",
        digest,
        body,
        "decision",
        "d-99",
    )
    report = verify(log_location)
    assert not report.ok and report.bad_seq is not None and report.bad_seq <= 4


def test_record_appended_behind_the_heads_back_is_found(
    log_location: str, five: LogStore, sql: Sql
) -> None:
    (prev, body5) = sql("SELECT hash, body FROM mlgate_log WHERE seq = 5")[0]
    body = json.loads(body5)
    body.update(seq=6, prev_hash=prev, decision_id="forged")
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = "sha256:" + hashlib.sha256(text.encode()).hexdigest()
    cols = sql(
        "SELECT kind, time, model, version, outcome, bundle_revision, bundle_digest, "
        "evidence_digest FROM mlgate_log WHERE seq = 5"
    )[0]
    sql(
        "INSERT INTO mlgate_log (seq, hash, body, decision_id, kind, time, model, version, "
        "outcome, bundle_revision, bundle_digest, evidence_digest) "
        "VALUES (6, ?, ?, 'forged', ?, ?, ?, ?, ?, ?, ?, ?)",
        digest,
        text,
        *cols,
    )
    report = verify(log_location)
    assert report.problem is not None and "records 6..6 were added after the head" in report.problem


def test_reordered_records_are_found(log_location: str, five: LogStore, sql: Sql) -> None:
    sql("UPDATE mlgate_log SET seq = 100 WHERE seq = 2")
    sql("UPDATE mlgate_log SET seq = 2 WHERE seq = 4")
    sql("UPDATE mlgate_log SET seq = 4 WHERE seq = 100")
    report = verify(log_location)
    assert report.problem == "record 2: it was written as record 4 (reordered)"


def test_tampered_log_refuses_an_append_that_would_hide_it(
    log_location: str, five: LogStore, sql: Sql
) -> None:
    sql("DELETE FROM mlgate_log_head")
    store = open_store(log_location)
    with pytest.raises(LogStoreError, match="cannot write decision log"):
        store.append([entry(6)])
    store.close()


def test_opening_a_missing_sqlite_log_for_reading_is_an_error(tmp_path: Any) -> None:
    with pytest.raises(LogStoreError, match="no such file"):
        open_store(str(tmp_path / "none.db"), create=False)


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Any) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(LogStoreError, match="cannot open decision log"):
        open_store(str(path))


def _forged_copy(sql: Sql, seq: int, decision_id: str) -> None:
    """Record 3 again at ``seq``, as a pass, with a matching hash and columns."""
    (body3,) = sql("SELECT body FROM mlgate_log WHERE seq = 3")[0]
    body = json.loads(body3)
    body.update(seq=seq, outcome="pass", decision_id=decision_id)
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = "sha256:" + hashlib.sha256(text.encode()).hexdigest()
    cols = [body["kind"], decision_id, body["time"], "m", "0", "pass", "r1"]
    sql(
        "INSERT INTO mlgate_log (seq, hash, body, kind, decision_id, time, model, version, "
        "outcome, bundle_revision, bundle_digest, evidence_digest) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        seq,
        digest,
        text,
        *cols,
        body["bundle"]["digest"],
        body["evidence_digest"],
    )


@pytest.mark.parametrize("seq", [0, -5])
def test_a_record_inserted_before_the_first_is_found(
    log_location: str, five: LogStore, sql: Sql, seq: int
) -> None:
    _forged_copy(sql, seq, "forged")
    report = verify(log_location)
    assert report.problem is not None and f"record {seq} was inserted" in report.problem
    store = open_store(log_location, create=False)
    try:  # nor is it shown as a logged decision
        with pytest.raises(LogStoreError, match="records were deleted or inserted"):
            find_decision(store, "forged")
    finally:
        store.close()


def test_a_head_that_is_not_a_number_is_tampering(tmp_path: Any) -> None:
    # SQLite only: PostgreSQL types the head's seq, so it cannot hold text.
    path = str(tmp_path / "log.db")
    store = open_store(path)
    store.append([entry(1)])
    store.close()
    run_sql(path, "UPDATE mlgate_log_head SET seq = 'abc'")
    store = open_store(path, create=False)
    try:
        with pytest.raises(CorruptLogError, match=r"its head is corrupt \(seq 'abc'\)"):
            store.head()
    finally:
        store.close()


def test_a_record_that_is_no_json_object_is_reported_as_edited(
    log_location: str, five: LogStore, sql: Sql
) -> None:
    digest = "sha256:" + hashlib.sha256(b"[1]").hexdigest()
    sql("UPDATE mlgate_log SET body = '[1]', hash = ? WHERE seq = 5", digest)
    assert verify(log_location).problem == "record 5: its content is not a JSON object (edited)"


def test_a_decision_record_without_its_decision_is_refused(
    log_location: str, five: LogStore
) -> None:
    store = open_store(log_location)
    try:
        store.append([{**entry(6), "decision_id": "bare"}])  # an entry with no "decision"
        with pytest.raises(CorruptLogError, match="holds no decision object"):
            find_decision(store, "bare")
    finally:
        store.close()


def test_another_programs_database_is_refused_and_left_as_it_was(tmp_path: Any) -> None:
    path = tmp_path / "app.db"
    run_sql(str(path), "CREATE TABLE users (name TEXT)")
    before = path.read_bytes()
    for create in (False, True):
        with pytest.raises(LogStoreError, match=r"a database of something else \(tables users\)"):
            open_store(str(path), create=create)
    assert path.read_bytes() == before
    assert run_sql(str(path), "PRAGMA journal_mode") == [("delete",)]  # not switched to WAL


def test_a_removed_log_table_is_tampering(log_location: str, five: LogStore, sql: Sql) -> None:
    sql("DROP TABLE mlgate_log_head")
    for create in (False, True):  # not recreated empty by whoever opens it next
        with pytest.raises(CorruptLogError, match="its mlgate_log_head table was removed"):
            open_store(log_location, create=create)


def test_reading_a_database_without_a_log_creates_nothing(log_location: str) -> None:
    with pytest.raises(LogStoreError, match=r"no log in this database|no such file"):
        open_store(log_location, create=False)
    store = open_store(log_location)  # a writer does create it
    assert store.extent() == (0, 0, 0)
    store.close()
