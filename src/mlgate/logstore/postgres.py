"""The PostgreSQL decision log: ``--log postgresql://user@host:5432/db``.

Appends are serialised by ``SELECT … FOR UPDATE`` on the single head row inside
the append's transaction: a second writer waits, then reads the head the first
one committed. The schema is created under a transaction-level advisory lock,
so many processes may open a fresh database at once. ``psycopg`` (the
``postgres`` extra) is imported only here. Passwords never appear in messages.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from mlgate.logstore._sql import (
    META_TABLE,
    READ_VERSION,
    SCHEMA_VERSION,
    SqlStore,
    check_tables,
    check_version,
    schema,
)
from mlgate.logstore.chain import GENESIS, Row
from mlgate.logstore.errors import LogStoreError
from mlgate.logstore.schema import postgres_problem
from mlgate.secrets import redact_url, scrub, url_secrets

CONNECT_TIMEOUT_S = 5
_SCHEMA_LOCK = 0x6D6C67617465  # "mlgate"


def redact(url: str) -> str:
    """``url`` with its password and secret query values replaced by ``***``."""

    return redact_url(url)


class PostgresStore(SqlStore):
    _mark = "%s"

    def __init__(self, conn: Any, location: str, errors: tuple[type[Exception], ...]) -> None:
        self._conn = conn
        self.location = location
        self._errors = errors

    @classmethod
    def connect(cls, url: str, *, create: bool = True) -> PostgresStore:
        location = redact(url)
        try:
            import psycopg
        except ImportError:
            raise LogStoreError(
                f"decision log {location}: PostgreSQL needs psycopg: pip install 'mlgate[postgres]'"
            ) from None
        try:
            conn = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)
        except psycopg.Error as exc:
            reason = scrub(_first_line(exc), url_secrets(url))
            raise LogStoreError(f"cannot open decision log {location}: {reason}") from None
        store = cls(conn, location, (psycopg.Error,))
        try:
            with store._guard("open"):
                version = store._check_tables(create)
                if create and version < SCHEMA_VERSION:  # a fresh log, or a migration
                    store._setup()
        except BaseException:
            conn.close()
            raise
        return store

    def schema_problem(self) -> str | None:
        """What is attached to the log's tables that mlgate did not create, or ``None``."""
        return postgres_problem(self._conn.cursor())

    def _check_tables(self, create: bool) -> int:
        """The log's schema version (0: no log yet). A reader needs both log tables; one
        of the two alone is a tampered log; a newer version is refused."""
        cur = self._conn.cursor()
        names = ("mlgate_log", "mlgate_log_head", META_TABLE)
        cur.execute("SELECT " + ", ".join(f"to_regclass('{n}')" for n in names))
        found = cur.fetchone()
        # Only the log's own tables: a shared database may hold other applications' too.
        present = {name for name, cls in zip(names, found, strict=True) if cls}
        if not check_tables(self.location, present, create=create):
            return 0
        value = None
        if META_TABLE in present:
            cur.execute(READ_VERSION)
            row = cur.fetchone()
            value = row[0] if row else None
        return check_version(self.location, value)

    def _setup(self) -> None:
        with self._conn.transaction():
            cur = self._conn.cursor()
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
            for statement in schema("BIGINT"):
                cur.execute(statement)
            cur.execute(
                "INSERT INTO mlgate_log_head (id, seq, hash) SELECT 1, 0, %s "
                "WHERE NOT EXISTS (SELECT 1 FROM mlgate_log) ON CONFLICT (id) DO NOTHING",
                (GENESIS,),
            )
            cur.execute(
                f"INSERT INTO {META_TABLE} (key, value) VALUES ('schema_version', %s) "
                "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                (str(SCHEMA_VERSION),),
            )

    def append(self, entries: Sequence[dict[str, Any]]) -> list[Row]:
        with self._guard("write"), self._conn.transaction():
            cur = self._conn.cursor()
            cur.execute("SELECT seq FROM mlgate_log_head WHERE id = 1 FOR UPDATE")
            return self._insert(cur, entries)

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        with self._guard("read"), self._conn.transaction():
            self._conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
