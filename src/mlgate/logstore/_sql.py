"""What the SQLite and PostgreSQL stores share: the schema, reads, and the insert.

Tables: ``mlgate_log`` (one row per record: ``seq``, the indexed columns, the
body text and its hash), ``mlgate_log_head`` (one row, ``id = 1``: the seq and
hash of the last record) and ``mlgate_log_meta`` (``schema_version``). The body
is stored as text, never as a JSON column type that would re-order its keys.

Schema versions: 1 is the two log tables alone (mlgate before it recorded a
version); 2 adds ``mlgate_log_meta``. A writer opening a version-1 log migrates
it by adding the meta table: no record, no hash and the head do not change, so
the chain verifies as before. A reader reads version 1 as it is. A log of a
newer version than this mlgate knows is refused, before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import Any, Self

from mlgate.logstore.base import Query
from mlgate.logstore.chain import COLUMNS, GENESIS, Head, Row, columns_of, seal
from mlgate.logstore.errors import CorruptLogError, LogStoreError

_SELECT = "SELECT seq, hash, body, " + ", ".join(COLUMNS) + " FROM mlgate_log"


SCHEMA_VERSION = 2
META_TABLE = "mlgate_log_meta"
META_SCHEMA = f"""CREATE TABLE IF NOT EXISTS {META_TABLE} (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
)"""
READ_VERSION = f"SELECT value FROM {META_TABLE} WHERE key = 'schema_version'"


def schema(seq_type: str) -> list[str]:
    cols = ",\n  ".join(f"{name} TEXT" for name in COLUMNS)
    return [
        f"""CREATE TABLE IF NOT EXISTS mlgate_log (
  seq {seq_type} PRIMARY KEY,
  {cols},
  body TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE
)""",
        f"""CREATE TABLE IF NOT EXISTS mlgate_log_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq {seq_type} NOT NULL,
  hash TEXT NOT NULL
)""",
        "CREATE INDEX IF NOT EXISTS mlgate_log_decision ON mlgate_log (decision_id)",
        "CREATE INDEX IF NOT EXISTS mlgate_log_model ON mlgate_log (model, version)",
        "CREATE INDEX IF NOT EXISTS mlgate_log_evidence ON mlgate_log (evidence_digest)",
        "CREATE INDEX IF NOT EXISTS mlgate_log_time ON mlgate_log (time)",
        META_SCHEMA,
    ]


LOG_TABLES = frozenset({"mlgate_log", "mlgate_log_head"})


def check_version(location: str, value: Any) -> int:
    """The schema version a log's meta table holds (``None``: none, version 1); a log
    of a newer version, or a version that is no number, is refused."""
    if value is None:
        return 1
    try:
        version = int(str(value))
    except ValueError:
        raise CorruptLogError(
            f"decision log {location}: its schema version {value!r} is not a number: it was edited"
        ) from None
    if version > SCHEMA_VERSION:
        raise LogStoreError(
            f"decision log {location}: schema version {version}, written by a newer mlgate "
            f"(this one knows up to {SCHEMA_VERSION}); upgrade mlgate to use it"
        )
    if version < 1:
        raise CorruptLogError(f"decision log {location}: schema version {version}: it was edited")
    return version


def check_tables(location: str, tables: set[str], *, create: bool) -> bool:
    """Whether the log's tables are among ``tables`` (those a database holds), looked at
    before anything is written: one of the two alone is a tampered log, another program's
    tables alone are no log, and a reader (``create`` false) needs the log there."""
    ours = (LOG_TABLES | {META_TABLE}) & tables
    if ours and not ours >= LOG_TABLES:
        gone = sorted(LOG_TABLES - ours)
        said = f"{gone[0]} table was" if len(gone) == 1 else f"{' and '.join(gone)} tables were"
        raise CorruptLogError(f"decision log {location}: its {said} removed")
    if not ours and tables:
        others = ", ".join(sorted(tables)[:3])
        raise LogStoreError(
            f"decision log {location}: a database of something else (tables {others}), "
            "not a decision log"
        )
    if not ours and not create:
        raise LogStoreError(f"decision log {location}: no log in this database")
    return bool(ours)


def record_time() -> str:
    """The time stamped on a record: UTC, microseconds, so it sorts as text."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def to_row(values: Sequence[Any]) -> Row:
    seq, hash_, body, *cols = values
    return Row(int(seq), str(hash_), str(body), dict(zip(COLUMNS, cols, strict=True)))


class SqlStore:
    """Reads and the sealed insert over a DB-API connection; subclasses lock."""

    location: str
    _mark: str
    _conn: Any
    _errors: tuple[type[Exception], ...] = ()

    @contextmanager
    def _guard(self, verb: str) -> Iterator[None]:
        """Turn a driver error into one ``LogStoreError`` line."""
        try:
            yield
        except self._errors as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise LogStoreError(f"cannot {verb} decision log {self.location}: {reason}") from None

    def snapshot(self) -> AbstractContextManager[None]:
        """Reads inside see one consistent state of the log (for verify and export)."""
        raise NotImplementedError

    def _insert(self, cur: Any, entries: Sequence[dict[str, Any]]) -> list[Row]:
        """Insert ``entries`` after the head; call inside the writer's lock."""
        cur.execute("SELECT seq, hash FROM mlgate_log_head WHERE id = 1")
        found = cur.fetchone()
        seq, prev = (int(found[0]), str(found[1])) if found else (0, GENESIS)
        marks = ", ".join([self._mark] * (3 + len(COLUMNS)))
        insert = f"INSERT INTO mlgate_log (seq, hash, body, {', '.join(COLUMNS)}) VALUES ({marks})"
        out: list[Row] = []
        now = record_time()
        for entry in entries:
            seq += 1
            body, digest = seal(entry, seq, prev, now)
            cols = columns_of({**entry, "time": now})
            cur.execute(insert, (seq, digest, body, *cols.values()))
            out.append(Row(seq, digest, body, cols))
            prev = digest
        m = self._mark
        if found:
            cur.execute(
                f"UPDATE mlgate_log_head SET seq = {m}, hash = {m} WHERE id = 1", (seq, prev)
            )
        else:
            cur.execute(
                f"INSERT INTO mlgate_log_head (id, seq, hash) VALUES (1, {m}, {m})", (seq, prev)
            )
        self._before_commit()
        return out

    def _before_commit(self) -> None:
        """A no-op hook: crash tests stop a writer here, inside the transaction."""

    def rows(self, batch: int = 5000) -> Iterator[Row]:
        """Every row, from the lowest ``seq`` (a row below 1 was inserted: verify sees it)."""
        first = f"{_SELECT} ORDER BY seq LIMIT {int(batch)}"
        after = f"{_SELECT} WHERE seq > {self._mark} ORDER BY seq LIMIT {int(batch)}"
        last: int | None = None
        while True:
            with self._guard("read"):
                cur = self._conn.cursor()
                if last is None:
                    cur.execute(first)
                else:
                    cur.execute(after, (last,))
                chunk = cur.fetchall()
            if not chunk:
                return
            for values in chunk:
                yield to_row(values)
            last = int(chunk[-1][0])

    def head(self) -> Head | None:
        with self._guard("read"):
            cur = self._conn.cursor()
            cur.execute("SELECT seq, hash FROM mlgate_log_head WHERE id = 1")
            found = cur.fetchone()
        return Head(self._head_seq(found[0]), str(found[1])) if found else None

    def extent(self) -> tuple[int, int, int]:
        with self._guard("read"):  # one statement: one consistent view, whoever appends
            cur = self._conn.cursor()
            cur.execute(
                "SELECT (SELECT COUNT(*) FROM mlgate_log), "
                "(SELECT COALESCE(MAX(seq), 0) FROM mlgate_log), "
                "(SELECT COALESCE(MAX(seq), 0) FROM mlgate_log_head WHERE id = 1)"
            )
            count, last, head = cur.fetchone()
        return int(count), int(last), self._head_seq(head)

    def _head_seq(self, value: Any) -> int:
        """The head's seq as stored; anything but a number is an edited head."""
        try:
            return int(value)
        except (TypeError, ValueError):
            raise CorruptLogError(
                f"decision log {self.location}: its head is corrupt (seq {value!r}): it was edited"
            ) from None

    def select(self, query: Query) -> list[Row]:
        where, params = query.where(self._mark)
        sql = f"{_SELECT}{where} ORDER BY seq"
        if query.limit is not None:
            sql = (
                f"SELECT * FROM ({_SELECT}{where} ORDER BY seq DESC LIMIT {int(query.limit)}) AS t"
            )
            sql += " ORDER BY seq"
        with self._guard("read"):
            cur = self._conn.cursor()
            cur.execute(sql, params)
            return [to_row(v) for v in cur.fetchall()]

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
