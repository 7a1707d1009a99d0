"""The log's schema as mlgate created it, and what else a database attached to it.

``mlgate log verify`` checks the hash chain, which shows an edit only once it is
made; a trigger, a rule or a view planted beside the log tables changes records
later (``after insert … delete from mlgate_log where kind = 'rejection'``). So
verify also compares the schema with the one ``_sql.schema`` creates: the two
tables with exactly their columns, the four indexes, and no trigger, rule or view
on them (SQLite: nothing else in the file at all).
"""

from __future__ import annotations

from typing import Any

from mlgate.logstore._sql import LOG_TABLES, META_TABLE
from mlgate.logstore.chain import COLUMNS

TABLE_COLUMNS = {
    "mlgate_log": ("seq", *COLUMNS, "body", "hash"),
    "mlgate_log_head": ("id", "seq", "hash"),
}
META_COLUMNS = ("key", "value")  # a schema-version-1 log has no meta table
INDEXES = frozenset(
    {"mlgate_log_decision", "mlgate_log_model", "mlgate_log_evidence", "mlgate_log_time"}
)


def sqlite_problem(conn: Any) -> str | None:
    """What in a SQLite log file mlgate did not create, or ``None``."""
    found: dict[str, set[str]] = {}
    for kind, name in conn.execute("SELECT type, name FROM sqlite_master").fetchall():
        if not str(name).startswith("sqlite_autoindex_"):
            found.setdefault(str(kind), set()).add(str(name))
    problem = _objects("trigger", found.get("trigger", set())) or _objects(
        "view", found.get("view", set())
    )
    if problem:
        return problem
    extra_tables = found.get("table", set()) - LOG_TABLES - {META_TABLE}
    if extra_tables:
        return f"table(s) {', '.join(sorted(extra_tables))} that mlgate did not create"
    problem = _indexes(found.get("index", set()))
    expected = dict(TABLE_COLUMNS)
    if META_TABLE in found.get("table", set()):
        expected[META_TABLE] = META_COLUMNS
    for table, wanted in expected.items():
        columns = tuple(str(r[1]) for r in conn.execute(f"PRAGMA table_info({table})").fetchall())
        problem = problem or _columns(table, columns, wanted)
    return problem


def postgres_problem(cur: Any) -> str | None:
    """What is attached to the log's tables in PostgreSQL that mlgate did not create."""
    tables = ("mlgate_log", "mlgate_log_head")
    cur.execute(
        "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
        "AND tgrelid IN ('mlgate_log'::regclass, 'mlgate_log_head'::regclass)"
    )
    problem = _objects("trigger", {str(r[0]) for r in cur.fetchall()})
    cur.execute("SELECT rulename FROM pg_rules WHERE tablename = ANY(%s)", (list(tables),))
    problem = problem or _objects("rule", {str(r[0]) for r in cur.fetchall()})
    cur.execute(
        "SELECT DISTINCT v.relname FROM pg_depend d JOIN pg_rewrite w ON d.objid = w.oid "
        "JOIN pg_class v ON w.ev_class = v.oid WHERE d.refobjid IN "
        "('mlgate_log'::regclass, 'mlgate_log_head'::regclass) AND v.relkind IN ('v', 'm')"
    )
    problem = problem or _objects("view", {str(r[0]) for r in cur.fetchall()})
    cur.execute(
        "SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s) "
        "AND indexname NOT IN ('mlgate_log_pkey', 'mlgate_log_hash_key', 'mlgate_log_head_pkey')",
        (list(tables),),
    )
    problem = problem or _indexes({str(r[0]) for r in cur.fetchall()})
    expected = dict(TABLE_COLUMNS)
    cur.execute(f"SELECT to_regclass('{META_TABLE}')")
    if cur.fetchone()[0]:
        expected[META_TABLE] = META_COLUMNS
    for table, wanted in expected.items():
        cur.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
            "AND NOT attisdropped ORDER BY attnum",
            (table,),
        )
        problem = problem or _columns(table, tuple(str(r[0]) for r in cur.fetchall()), wanted)
    return problem


def _objects(kind: str, names: set[str]) -> str | None:
    if not names:
        return None
    return (
        f"{kind}(s) {', '.join(sorted(names))} on the log that mlgate did not create "
        "(it can change records as they are written)"
    )


def _indexes(names: set[str]) -> str | None:
    if names == INDEXES:
        return None
    extra, gone = sorted(names - INDEXES), sorted(INDEXES - names)
    what = [f"index(es) {', '.join(extra)} that mlgate did not create"] if extra else []
    what += [f"index(es) {', '.join(gone)} removed"] if gone else []
    return "; ".join(what)


def _columns(table: str, columns: tuple[str, ...], wanted: tuple[str, ...]) -> str | None:
    if columns == wanted:
        return None
    return f"table {table} has columns {', '.join(columns)}, not the ones mlgate created"
