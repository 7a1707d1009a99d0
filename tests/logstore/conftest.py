"""Decision-log fixtures: every test runs against SQLite and a real PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.logstore import pgserver


@pytest.fixture(autouse=True)
def _isolated_decision_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLGATE_LOG", str(tmp_path / "default-log.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    for name in ("MLGATE_PRINCIPALS", "MLGATE_LOG_MASK", "MLGATE_ACTOR"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def pg_server() -> pgserver.Server:
    if os.environ.get(pgserver.SKIP_ENV) == "1":
        pytest.skip(f"{pgserver.SKIP_ENV}=1: PostgreSQL tests skipped on request")
    try:
        server = pgserver.shared()
    except Exception as exc:  # fail, never skip: CI must not pass silently
        pytest.fail(f"cannot start the test PostgreSQL server: {exc}", pytrace=False)
    return server


@pytest.fixture(params=["sqlite", "postgres"])
def log_location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty decision log: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "log.db")
    server: pgserver.Server = request.getfixturevalue("pg_server")
    return server.new_database()


def run_sql(location: str, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Run SQL directly in the store's database (a tamperer's view); ``?`` placeholders."""
    if location.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(location, autocommit=True) as conn:
            cur = conn.execute(statement.replace("?", "%s"), params)  # type: ignore[arg-type]
            return list(cur.fetchall()) if cur.description else []
    import sqlite3

    conn = sqlite3.connect(location, isolation_level=None)
    try:
        cur = conn.execute(statement, params)
        return list(cur.fetchall())
    finally:
        conn.close()


@pytest.fixture
def sql(log_location: str) -> Callable[..., list[tuple[Any, ...]]]:
    def _run(statement: str, *params: Any) -> list[tuple[Any, ...]]:
        return run_sql(log_location, statement, params)

    return _run
