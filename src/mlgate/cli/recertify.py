"""``mlgate recertify``: re-evaluate every production model under a new bundle."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from mlgate.bundles.trusted import open_bundle
from mlgate.cli.decide_options import ALG, AT, KEY_ID, SCOPE, VERIFICATION_KEY, verification
from mlgate.cli.opa_options import (
    OPA_CA_CERT,
    OPA_CLIENT_CERT,
    OPA_CLIENT_KEY,
    OPA_NO_PUSH,
    OPA_TOKEN_FILE,
    engine_options,
)
from mlgate.cli.progress import ProgressBar
from mlgate.decisions.evaluate import check_evaluation_time, evaluation_time
from mlgate.errors import UsageError
from mlgate.fleet.recertify import recertify as run
from mlgate.fleet.sources import FactsDir, MlflowRegistry
from mlgate.fleet.table import render_json, render_text


def recertify(
    bundle: str = typer.Option(..., "--bundle", "-b", help="The new policy bundle."),
    verification_key: Path | None = VERIFICATION_KEY,
    key_id: str = KEY_ID,
    alg: str | None = ALG,
    scope: str = SCOPE,
    facts_dir: Path | None = typer.Option(
        None, "--facts-dir", help="A directory of facts files, one per production model."
    ),
    mlflow_registry: str | None = typer.Option(
        None, "--mlflow-registry", metavar="URI", help="An MLflow tracking/registry URI."
    ),
    alias: str = typer.Option(
        "production", "--alias", help="With --mlflow-registry: the alias of production versions."
    ),
    against: str | None = typer.Option(
        None,
        "--against",
        metavar="BUNDLE",
        help="Compare with this bundle's outcomes instead of the last logged decisions "
        "[default with --no-log: the shipped bundle].",
    ),
    log: str | None = typer.Option(
        None, "--log", help="Decision log [env MLGATE_LOG; default ~/.local/share/mlgate/log.db]."
    ),
    no_log: bool = typer.Option(
        False, "--no-log", help="Record nothing; compare with the shipped bundle (or --against)."
    ),
    engine: str = typer.Option(
        "embedded",
        "--engine",
        "-e",
        help="embedded, or opa-url (each worker asks the OPA servers over keep-alive sessions).",
    ),
    opa_url: list[str] = typer.Option(
        [],
        "--opa-url",
        help="OPA server URL; repeat to spread the models over several servers (replicas) "
        "[env MLGATE_OPA_URL: one].",
    ),
    opa_ca_cert: str | None = OPA_CA_CERT,
    opa_client_cert: str | None = OPA_CLIENT_CERT,
    opa_client_key: str | None = OPA_CLIENT_KEY,
    opa_token_file: str | None = OPA_TOKEN_FILE,
    opa_no_push: bool = OPA_NO_PUSH,
    workers: int | None = typer.Option(
        None, "--workers", "-j", min=1, help="Parallel workers [default: the number of CPUs]."
    ),
    at: str | None = AT,
    as_json: bool = typer.Option(False, "--json", help="Print the changes as JSON."),
    timeout: float = typer.Option(30.0, "--timeout", help="Seconds one evaluation may take."),
) -> None:
    """Re-evaluate every production model under BUNDLE and show whose outcome changes.

    Each model's outcome is compared with its last logged decision (same name
    and version), or with --against BUNDLE's. The new decisions are appended
    to the decision log (one transaction per batch). A progress bar shows on a
    terminal. Exit 0 when no outcome got worse, 1 when one did, 2 when a
    model could not be evaluated.

    Example: mlgate recertify --bundle policy-2026.12/ --facts-dir prod-facts/
    """

    if (facts_dir is None) == (mlflow_registry is None):
        raise UsageError("give exactly one of --facts-dir DIR and --mlflow-registry URI")
    options = engine_options(
        engine,
        opa_url[0] if len(opa_url) == 1 else None,
        timeout,
        no_push=opa_no_push,
        ca_cert=opa_ca_cert,
        client_cert=opa_client_cert,
        client_key=opa_client_key,
        token_file=opa_token_file,
    )
    required = verification(verification_key, key_id, alg, scope)
    # Verified before any worker reads it, as `opa run --verification-key`; every worker
    # then decides only with a bundle of the same digest.
    verified = open_bundle(bundle, required).digest if required is not None else None
    evaluated_at = evaluation_time(at)
    check_evaluation_time(evaluated_at)
    if no_log and log is not None:
        raise UsageError("--log and --no-log contradict each other")
    source = (
        FactsDir(facts_dir)
        if facts_dir is not None
        else MlflowRegistry(str(mlflow_registry), alias)
    )
    bar = ProgressBar(len(source))
    try:
        summary = run(
            source,
            bundle_location=bundle,
            against=against,
            log=log,
            record=not no_log,
            engine=options,
            opa_urls=tuple(opa_url),
            workers=workers,
            evaluated_at=evaluated_at,
            progress=bar,
            digest=verified,
        )
    finally:
        bar.close()
    typer.echo(render_json(summary) if as_json else render_text(summary), nl=False)
    failed = summary.counts.get("error", 0)
    if failed:
        print(
            f"mlgate: error: {failed} of {summary.total} model(s) could not be evaluated "
            "(their rows say why)",
            file=sys.stderr,
        )
    raise typer.Exit(summary.exit_code)


def register(app: typer.Typer) -> None:
    app.command("recertify")(recertify)
