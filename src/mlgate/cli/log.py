"""``mlgate log verify | show | query | export | serve`` and ``mlgate replay``."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from mlgate.cli.output import emit
from mlgate.decisions.model import OUTCOMES
from mlgate.distribution.log_serve import DEFAULT_PORT, is_loopback, make_server, run
from mlgate.errors import UsageError
from mlgate.logstore.base import Query
from mlgate.logstore.chain import verify_rows
from mlgate.logstore.errors import CorruptLogError, LogStoreError
from mlgate.logstore.export import ExportFormat, export_lines
from mlgate.logstore.open import open_store
from mlgate.tokens import read_token

if TYPE_CHECKING:
    from mlgate.logstore.base import Query

LOG_HELP = "Decision log: SQLite file or postgresql://… URL [env MLGATE_LOG]."

log_app = typer.Typer(help="Verify, query and export the decision log.", no_args_is_help=True)


def _time(text: str | None, flag: str) -> str | None:
    """An RFC 3339 time or date as the log writes times (UTC, microseconds)."""
    if text is None:
        return None
    from mlgate.errors import UsageError

    try:
        value = datetime.fromisoformat(text)
        value = value if value.tzinfo else value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
    except ValueError:
        raise UsageError(f"{flag} {text!r}: give an RFC 3339 time or a date (2026-11-01)") from None
    except OverflowError:  # 0001-01-01T00:00+01:00 is before year 1 in UTC
        raise UsageError(f"{flag} {text!r}: out of range once converted to UTC") from None
    # The year as four digits: the log compares times as text, and "999-…" sorts after "2026-…".
    return f"{value.year:04d}" + value.strftime("-%m-%dT%H:%M:%S.%fZ")


@log_app.command("verify")
def verify(log: str | None = typer.Option(None, "--log", help=LOG_HELP)) -> None:
    """Walk the hash chain; report the first edited, deleted, inserted or moved record.

    Exit 0 when the chain is intact, 1 when it was tampered with.
    Example: mlgate log verify --log postgresql://mlgate@db/mlgate
    """
    from mlgate.logstore.open import open_store

    try:
        with open_store(log, create=False) as store, store.snapshot():
            report = verify_rows(store.rows(), store.head())
            planted = store.schema_problem()  # a trigger changes records only later
    except CorruptLogError as exc:  # a removed table, a head that is not a seq and a hash
        print(f"TAMPERED: {exc.message}", file=sys.stderr)
        raise typer.Exit(1) from None
    if planted:
        print(f"TAMPERED: the log's schema holds {planted}", file=sys.stderr)
        raise typer.Exit(1)
    if report.ok:
        print(f"ok: {report.count} record(s), chain intact, head {report.head}")
        return
    print(f"TAMPERED: {report.problem}", file=sys.stderr)
    print(f"the first {report.count} record(s) verify (up to {report.head})", file=sys.stderr)
    raise typer.Exit(1)


@log_app.command("show")
def show(
    decision_id: str = typer.Argument(..., help="A decision id."),
    log: str | None = typer.Option(None, "--log", help=LOG_HELP),
) -> None:
    """Print every record of a decision (the check, its approvals) as JSON lines.

    Example: mlgate log show 0190c6e2-…
    """
    from mlgate.logstore.open import open_store

    with open_store(log, create=False) as store:
        rows = store.select(Query(decision_id=decision_id))
    if not rows:
        raise LogStoreError(f"decision {decision_id} is not in the decision log")
    sys.stdout.writelines(export_lines(rows, ExportFormat.JSONL))


def _query(
    model: str | None,
    version: str | None,
    outcome: str | None,
    kind: str | None,
    since: str | None,
    until: str | None,
    revision: str | None,
    limit: int | None,
) -> Query:
    from mlgate.errors import UsageError

    # A misspelt value would match nothing and look like an empty log.
    outcomes = (*OUTCOMES, "approve", "reject")
    if outcome is not None and outcome not in outcomes:
        raise UsageError(f"--outcome {outcome!r}: choose one of {', '.join(outcomes)}")
    if kind is not None and kind not in RECORD_KINDS:
        raise UsageError(f"--kind {kind!r}: choose one of {', '.join(RECORD_KINDS)}")
    return Query(
        model=model,
        version=version,
        outcome=outcome,
        kind=kind,
        bundle_revision=revision,
        since=_time(since, "--since"),
        until=_time(until, "--until"),
        limit=limit,
    )


_MODEL = typer.Option(None, "--model", help="Subject name.")
_VERSION = typer.Option(None, "--version", help="Subject version.")
_OUTCOME = typer.Option(
    None, "--outcome", help="pass | fail | needs_approval | … | approve | reject"
)
RECORD_KINDS = ("decision", "monitoring", "approval", "rejection", "opa_event")
_KIND = typer.Option(None, "--kind", help=" | ".join(RECORD_KINDS))
_SINCE = typer.Option(None, "--since", help="From this time (RFC 3339 or date), inclusive.")
_UNTIL = typer.Option(None, "--until", help="Before this time (RFC 3339 or date).")
_REVISION = typer.Option(None, "--bundle-revision", help="Policy bundle revision.")
_LIMIT = typer.Option(None, "--limit", min=1, max=2**63 - 1, help="Only the most recent N records.")


@log_app.command("query")
def query(
    model: str | None = _MODEL,
    version: str | None = _VERSION,
    outcome: str | None = _OUTCOME,
    kind: str | None = _KIND,
    since: str | None = _SINCE,
    until: str | None = _UNTIL,
    revision: str | None = _REVISION,
    limit: int | None = _LIMIT,
    as_json: bool = typer.Option(False, "--json", help="JSON lines instead of a table."),
    log: str | None = typer.Option(None, "--log", help=LOG_HELP),
) -> None:
    """List log records by model, outcome, time range or bundle revision.

    Example: mlgate log query --model credit-risk-scorer --outcome fail --since 2026-11-01
    """
    from mlgate.logstore.open import open_store

    q = _query(model, version, outcome, kind, since, until, revision, limit)
    with open_store(log, create=False) as store:
        rows = store.select(q)
    if as_json:
        sys.stdout.writelines(export_lines(rows, ExportFormat.JSONL))
        return
    for row in rows:
        c = row.columns
        print(
            f"{row.seq:>7} {c['time']} {c['kind']:<9} {c['decision_id']} {c['model']} "
            f"{c['version']} {c['outcome']} rev={c['bundle_revision']!r}"
        )
    print(f"{len(rows)} record(s)", file=sys.stderr)


@log_app.command("export")
def export(
    fmt: ExportFormat = typer.Option(ExportFormat.JSONL, "--format", help="jsonl or opa."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write here (default stdout)."),
    model: str | None = _MODEL,
    version: str | None = _VERSION,
    outcome: str | None = _OUTCOME,
    kind: str | None = _KIND,
    since: str | None = _SINCE,
    until: str | None = _UNTIL,
    revision: str | None = _REVISION,
    log: str | None = typer.Option(None, "--log", help=LOG_HELP),
) -> None:
    """Export records as verifiable JSON lines or as OPA decision-log events.

    Example: mlgate log export --format opa --since 2026-11-01 -o decisions.jsonl
    """
    from mlgate.logstore.open import open_store

    q = _query(model, version, outcome, kind, since, until, revision, None)
    with open_store(log, create=False) as store, store.snapshot():
        rows = store.select(q) if q != type(q)() else store.rows()
        text = "".join(export_lines(rows, fmt))
    emit(text, output)


_TOKEN_FILE = typer.Option(
    None,
    "--token-file",
    help="Require 'Authorization: Bearer <token>' (the file's content) on every upload.",
)


@log_app.command("serve")
def serve(
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Address to listen on (a non-loopback one needs --token-file)."
    ),
    port: int = typer.Option(
        DEFAULT_PORT, "--port", min=0, max=65535, help="Port to listen on (0: any free port)."
    ),
    token_file: Path | None = _TOKEN_FILE,
    log: str | None = typer.Option(None, "--log", help=LOG_HELP),
) -> None:
    """Receive OPA decision-log uploads (POST /logs, gzipped JSON arrays) into the log.

    Point OPA's decision_logs service at http://HOST:PORT (default port 8283;
    bundle serve's is 8282). Each upload is stored whole or not at all: 204,
    else 400 (bad body), 401 (no or wrong token), 413 (over 16 MiB), 503 (log
    not writable: OPA retries). Without --token-file anyone who can reach the
    port can write, so only a loopback --host is allowed without one.
    Example: mlgate log serve --token-file token --log postgresql://mlgate@db/mlgate
    """
    token = read_token(token_file) if token_file is not None else ""
    if not token and not is_loopback(host):
        raise UsageError(
            f"--host {host!r} without --token-file: anyone who can reach it could write "
            "the decision log; give --token-file, or listen on 127.0.0.1"
        )
    store = open_store(log)
    try:
        server = make_server(store, host, port, token=token, reopen=lambda: open_store(log))
    except OSError as exc:
        store.close()
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    where = f"http://{host}:{server.server_port}"
    if token:
        note = "an 'Authorization: Bearer' token is required"
    else:
        print(
            f"mlgate: warning: no --token-file: anyone who can reach {where} can write "
            "to the decision log",
            file=sys.stderr,
        )
        note = "no token required"
    print(f"mlgate: receiving OPA decision logs on {where}/logs ({note})", file=sys.stderr)
    sys.stderr.flush()
    try:
        run(server)
    finally:
        server.store.close()  # reopened after a failed append, maybe
    print("mlgate: log service stopped", file=sys.stderr)


def register(app: typer.Typer) -> None:
    app.add_typer(log_app, name="log")
