# ruff: noqa: F811  (pytest fixtures imported from test_cli, then requested by name)
"""``log verify`` checks the schema too: a planted trigger, rule, view, index or column
is tampering, on SQLite and PostgreSQL (issue 20, item 7)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.logstore.conftest import run_sql
from tests.logstore.test_cli import Run, checked, run  # noqa: F401

TRIGGER = {
    "sqlite": "CREATE TRIGGER drop_rejections AFTER INSERT ON mlgate_log BEGIN "
    "DELETE FROM mlgate_log WHERE kind = 'rejection'; END",
    "postgresql": "CREATE FUNCTION drop_rejections() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN DELETE FROM mlgate_log WHERE kind = 'rejection'; RETURN NULL; END $$; "
    "CREATE TRIGGER drop_rejections AFTER INSERT ON mlgate_log "
    "FOR EACH ROW EXECUTE FUNCTION drop_rejections()",
}


def _kind(location: str) -> str:
    return "postgresql" if location.startswith("postgresql://") else "sqlite"


def _verify(run: Run, location: str) -> tuple[int, str]:
    code, _, err = run("log", "verify", "--log", location)
    return code, err


def test_a_planted_trigger_is_tampering(
    run: Run, checked: Callable[..., dict[str, object]], log_location: str
) -> None:
    checked("pass")
    assert _verify(run, log_location)[0] == 0
    for statement in TRIGGER[_kind(log_location)].split("; CREATE"):
        run_sql(log_location, statement if statement.startswith("CREATE") else "CREATE" + statement)
    code, err = _verify(run, log_location)
    assert code == 1 and "TAMPERED" in err and "trigger(s) drop_rejections" in err


@pytest.mark.parametrize(
    ("statement", "named"),
    [
        ("CREATE VIEW mlgate_view AS SELECT seq FROM mlgate_log", "view(s) mlgate_view"),
        ("CREATE INDEX sneaky ON mlgate_log (body)", "index(es) sneaky"),
        ("DROP INDEX mlgate_log_time", "mlgate_log_time removed"),
        ("ALTER TABLE mlgate_log ADD COLUMN note TEXT", "table mlgate_log has columns"),
    ],
)
def test_other_schema_changes_are_tampering(
    run: Run,
    checked: Callable[..., dict[str, object]],
    log_location: str,
    statement: str,
    named: str,
) -> None:
    checked("pass")
    run_sql(log_location, statement)
    code, err = _verify(run, log_location)
    assert code == 1 and named in err, err


def test_a_rule_is_tampering_on_postgres(
    run: Run, checked: Callable[..., dict[str, object]], log_location: str, tmp_path: Path
) -> None:
    if _kind(log_location) != "postgresql":
        pytest.skip("rules are PostgreSQL's")
    checked("pass")
    run_sql(
        log_location,
        "CREATE RULE no_rejections AS ON INSERT TO mlgate_log "
        "WHERE NEW.kind = 'rejection' DO INSTEAD NOTHING",
    )
    code, err = _verify(run, log_location)
    assert code == 1 and "rule(s) no_rejections" in err
