"""``mlgate approve``, ``mlgate approvals import`` and ``mlgate status``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from mlgate.approvals.errors import ApprovalError
from mlgate.approvals.principals import load_principals, locate
from mlgate.approvals.service import Request, import_records
from mlgate.approvals.service import approve as run
from mlgate.facts.load import load_document
from mlgate.logstore.lookup import resolve_decision_id
from mlgate.logstore.open import open_store
from mlgate.times import utc_now

if TYPE_CHECKING:
    from mlgate.approvals.principals import Principals

LOG_HELP = "Decision log: SQLite file or postgresql://… URL [env MLGATE_LOG]."
PRINCIPALS_HELP = "Principals file (YAML) [env MLGATE_PRINCIPALS]."

approvals_app = typer.Typer(help="Import approvals given elsewhere.", no_args_is_help=True)


def _principals(path: str | None) -> Principals:

    found = locate(path)
    if found is None:
        raise ApprovalError("no principals file: give --principals FILE or set MLGATE_PRINCIPALS")
    return load_principals(found)


def approve(
    decision_id: str = typer.Argument(
        ..., help="The logged decision you reviewed (or a unique prefix of its id)."
    ),
    role: str = typer.Option(..., "--role", help="The role you approve in, e.g. model_risk."),
    principal: str = typer.Option(..., "--as", help="Your principal id in the principals file."),
    key: Path = typer.Option(..., "--key", help="Your Ed25519 private key (from keys generate)."),
    comment: str | None = typer.Option(None, "--comment", help="Why; kept in the record."),
    expires: str | None = typer.Option(
        None, "--expires", help="When the approval lapses: RFC 3339 time or 7d / 12h / 30m."
    ),
    reject: bool = typer.Option(False, "--reject", help="Record a rejection: it blocks release."),
    on_behalf_of: str | None = typer.Option(
        None,
        "--on-behalf-of",
        help="Sign, as an approval_importer, an approval given elsewhere by this principal.",
    ),
    source: str | None = typer.Option(
        None, "--source", help="With --on-behalf-of: where it was given (URL or ticket)."
    ),
    log: str | None = typer.Option(None, "--log", help=LOG_HELP),
    principals: str | None = typer.Option(None, "--principals", help=PRINCIPALS_HELP),
) -> None:
    """Sign an approval (or --reject) of a logged decision and append it to the log.

    The record is bound to the decision's evidence digest, bundle and the role;
    a later `mlgate check` of the same facts and bundle counts it.
    Example: mlgate approve 0190c6e2-… --role model_risk --as omar.risk --key omar.risk.key
    """

    if (source is None) != (on_behalf_of is None):
        raise ApprovalError("--on-behalf-of and --source go together")
    trusted = _principals(principals)
    with open_store(log, create=False) as store:
        decision_id = resolve_decision_id(store, decision_id)
        request = Request(
            decision_id=decision_id,
            role=role,
            principal=principal,
            key=key,
            reject=reject,
            comment=comment,
            expires=expires,
            on_behalf_of=on_behalf_of,
            source={"reference": source} if source else None,
        )
        row = run(store, trusted, request, utc_now())
    verdict = "rejection" if reject else "approval"
    print(f"recorded {verdict} of {decision_id} as {role} (log record {row.seq} {row.hash})")


@approvals_app.command("import")
def import_(
    files: list[Path] = typer.Argument(..., help="Signed approval records (JSON or YAML)."),
    log: str | None = typer.Option(None, "--log", help=LOG_HELP),
    principals: str | None = typer.Option(None, "--principals", help=PRINCIPALS_HELP),
) -> None:
    """Verify signed approval records made elsewhere and append them, all or none.

    A file holds one record {payload, signature} or {records: [...]}.
    Example: mlgate approvals import github-review-4411.json
    """

    trusted = _principals(principals)
    records: list[object] = []
    for path in files:
        try:
            doc = load_document(path, max_bytes=4 * 1024 * 1024)
        except Exception as exc:
            raise ApprovalError(f"malformed approval file {getattr(exc, 'message', exc)}") from None
        records += doc["records"] if isinstance(doc.get("records"), list) else [doc]
    with open_store(log, create=False) as store:
        rows = import_records(store, trusted, records, ", ".join(map(str, files)), utc_now())
    print(f"imported {len(rows)} approval record(s) (log records {rows[0].seq}..{rows[-1].seq})")


def status(
    decision_id: str = typer.Argument(..., help="A logged decision id (or a unique prefix)."),
    log: str | None = typer.Option(None, "--log", help=LOG_HELP),
    principals: str | None = typer.Option(None, "--principals", help=PRINCIPALS_HELP),
) -> None:
    """Show the approvals a decision required, those given since, and any not counted.

    Exit 0 when every required role is covered, 3 when some are missing, 1 on
    a valid rejection.
    Example: mlgate status 0190c6e2-…
    """
    from mlgate.approvals.status import status as run

    found = locate(principals)
    trusted = load_principals(found) if found else None
    with open_store(log, create=False) as store:
        result = run(store, trusted, resolve_decision_id(store, decision_id), utc_now())
    print("\n".join(result.lines()))
    raise typer.Exit(int(result.exit_code))


def register(app: typer.Typer) -> None:
    app.command("approve")(approve)
    app.command("status")(status)
    app.add_typer(approvals_app, name="approvals")
