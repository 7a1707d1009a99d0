"""The SQLite decision log (the default store): one file, any number of writers.

Appends are serialised with ``BEGIN IMMEDIATE`` (the write lock is taken before
the head is read, so two writers can never both extend the same head). The
database runs in WAL mode with ``synchronous=FULL``: a committed record
survives a crash of the process or the machine, and a writer killed inside a
transaction leaves nothing behind (SQLite rolls the transaction back).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from mlgate.logstore._sql import (
    META_SCHEMA,
    META_TABLE,
    READ_VERSION,
    SCHEMA_VERSION,
    SqlStore,
    check_tables,
    check_version,
    schema,
)
from mlgate.logstore.chain import Row
from mlgate.logstore.errors import LogStoreError
from mlgate.logstore.schema import sqlite_problem

BUSY_TIMEOUT_S = 60.0
_SET_VERSION = f"INSERT OR REPLACE INTO {META_TABLE} (key, value) VALUES ('schema_version', ?)"


class SqliteStore(SqlStore):
    _mark = "?"
    _errors = (sqlite3.Error,)

    def __init__(self, conn: sqlite3.Connection, location: str) -> None:
        self._conn = conn
        self.location = location

    @classmethod
    def open(cls, path: Path, *, create: bool = True) -> SqliteStore:
        location = str(path)
        if not create and not path.is_file():
            raise LogStoreError(f"decision log {location}: no such file")
        if not create and path.stat().st_size == 0:  # reading must not make it a log
            raise LogStoreError(f"decision log {location}: an empty file, not a decision log")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
        except (OSError, sqlite3.Error) as exc:
            raise LogStoreError(f"cannot open decision log {location}: {_reason(exc)}") from None
        store = cls(conn, location)
        try:
            store._setup(create)
        except sqlite3.Error as exc:
            conn.close()
            raise LogStoreError(f"cannot open decision log {location}: {_reason(exc)}") from None
        except LogStoreError:
            conn.close()
            raise
        return store

    def schema_problem(self) -> str | None:
        """What in this file mlgate did not create (a trigger, a view...), or ``None``."""
        return sqlite_problem(self._conn)

    def _setup(self, create: bool) -> None:
        # Look before touching anything: another program's database, or a log whose
        # tables are gone, is refused unchanged (not switched to WAL, given no tables).
        tables = {
            str(row[0])
            for row in self._conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        exists = check_tables(self.location, tables, create=create)
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:  # switching to WAL needs a moment with no other connection writing
            try:
                mode = self._conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
        if str(mode).lower() != "wal":
            raise sqlite3.OperationalError(f"cannot use WAL journal mode (got {mode})")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
        if exists:
            found = self._conn.execute(READ_VERSION).fetchone() if META_TABLE in tables else None
            version = check_version(self.location, found[0] if found else None)
            if version == SCHEMA_VERSION or not create:  # a reader reads version 1 as it is
                return
        statements = schema("INTEGER") if not exists else [META_SCHEMA]  # create, or migrate
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in statements:
                self._conn.execute(statement)
            self._conn.execute(_SET_VERSION, (str(SCHEMA_VERSION),))
            self._conn.execute("COMMIT")
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise

    def append(self, entries: Sequence[dict[str, Any]]) -> list[Row]:
        with self._guard("write"):
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                rows = self._insert(self._conn.cursor(), entries)
                self._conn.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise
        return rows

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        with self._guard("read"):
            self._conn.execute("BEGIN")
        try:
            yield
        finally:
            self._rollback()

    def _rollback(self) -> None:
        with suppress(sqlite3.Error):
            self._conn.execute("ROLLBACK")


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
