"""The decision log's schema version: a log the previous release wrote is migrated by a
writer (nothing in the hash chain changes) and read as it is by a reader; a log of a
newer version is refused before anything is written.

``fixtures/log-v1.db`` is a real SQLite log the previous release wrote (three
``mlgate check`` decisions on the credit-risk examples): its two tables alone,
no version recorded.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mlgate.cli.main import main
from mlgate.logstore._sql import META_TABLE, SCHEMA_VERSION
from mlgate.logstore.chain import verify_rows
from mlgate.logstore.errors import LogStoreError
from mlgate.logstore.open import open_store
from tests.conftest import REPO
from tests.logstore.conftest import run_sql

V1 = Path(__file__).with_name("fixtures") / "log-v1.db"
V1_SCHEMA = [  # the tables and indexes the previous release created
    "CREATE TABLE mlgate_log (seq {seq} PRIMARY KEY, kind TEXT, decision_id TEXT, model TEXT, "
    "version TEXT, outcome TEXT, time TEXT, bundle_revision TEXT, evidence_digest TEXT, "
    "body TEXT NOT NULL, hash TEXT NOT NULL UNIQUE)",
    "CREATE TABLE mlgate_log_head (id INTEGER PRIMARY KEY CHECK (id = 1), seq {seq} NOT NULL, "
    "hash TEXT NOT NULL)",
    "CREATE INDEX mlgate_log_decision ON mlgate_log (decision_id)",
    "CREATE INDEX mlgate_log_model ON mlgate_log (model, version)",
    "CREATE INDEX mlgate_log_evidence ON mlgate_log (evidence_digest)",
    "CREATE INDEX mlgate_log_time ON mlgate_log (time)",
]


def _version(location: str) -> list[tuple[object, ...]]:
    return run_sql(location, f"SELECT value FROM {META_TABLE} WHERE key = 'schema_version'")


def _tables(path: Path) -> set[str]:
    rows = run_sql(str(path), "SELECT name FROM sqlite_master WHERE type = 'table'")
    return {str(r[0]) for r in rows}


@pytest.fixture
def v1_log(tmp_path: Path) -> Path:
    copy = tmp_path / "log-v1.db"
    shutil.copy(V1, copy)
    return copy


def test_the_fixture_is_a_version_1_log() -> None:
    assert _tables(V1) == {"mlgate_log", "mlgate_log_head"}


def test_a_reader_reads_a_version_1_log_as_it_is(v1_log: Path) -> None:
    store = open_store(str(v1_log), create=False)
    try:
        report = verify_rows(store.rows(), store.head())
        assert report.ok and report.count == 3
        assert store.schema_problem() is None
    finally:
        store.close()
    assert META_TABLE not in _tables(v1_log)  # nothing added by reading


def test_a_writer_migrates_a_version_1_log_and_the_chain_is_unchanged(
    v1_log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["log", "verify", "--log", str(v1_log)]) == 0
    before = capsys.readouterr().out
    facts = REPO / "examples/credit-risk/passing.yaml"
    assert main(["check", "--at", "facts", "-f", str(facts), "--log", str(v1_log)]) == 0
    assert _version(str(v1_log)) == [(str(SCHEMA_VERSION),)]
    capsys.readouterr()
    assert main(["log", "verify", "--log", str(v1_log)]) == 0
    after = capsys.readouterr().out
    assert before.startswith("ok: 3 record(s)") and after.startswith("ok: 4 record(s)")
    old_rows = run_sql(str(V1), "SELECT seq, hash, body FROM mlgate_log ORDER BY seq")
    new_rows = run_sql(str(v1_log), "SELECT seq, hash, body FROM mlgate_log ORDER BY seq")
    assert new_rows[:3] == old_rows  # the migration changed no record


def test_a_new_log_records_its_version(log_location: str) -> None:
    open_store(log_location).close()
    assert _version(log_location) == [(str(SCHEMA_VERSION),)]


def test_a_postgres_version_1_log_is_migrated_by_a_writer(log_location: str) -> None:
    if not log_location.startswith("postgresql://"):
        pytest.skip("the SQLite migration is tested on the release's own file above")
    for statement in V1_SCHEMA:
        run_sql(log_location, statement.format(seq="BIGINT"))
    run_sql(log_location, "INSERT INTO mlgate_log_head (id, seq, hash) VALUES (1, 0, 'x')")
    reader = open_store(log_location, create=False)
    reader.close()
    assert run_sql(log_location, f"SELECT to_regclass('{META_TABLE}')") == [(None,)]
    open_store(log_location).close()
    assert _version(log_location) == [(str(SCHEMA_VERSION),)]


@pytest.mark.parametrize("create", [True, False], ids=["writer", "reader"])
def test_a_newer_version_is_refused_before_anything_is_written(
    log_location: str, create: bool
) -> None:
    open_store(log_location).close()
    run_sql(log_location, f"UPDATE {META_TABLE} SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(LogStoreError, match="schema version 99, written by a newer mlgate"):
        open_store(log_location, create=create)
    assert _version(log_location) == [("99",)]
