"""``mlgate check``: decide whether a model version may be released."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from mlgate import config
from mlgate.bundles.freshness import PolicyChangedError
from mlgate.cli.decide_options import (
    ALG,
    AT,
    BUNDLE,
    KEY_ID,
    SCOPE,
    TIMEOUT,
    VERIFICATION_KEY,
    output_option,
    verification,
)
from mlgate.cli.opa_options import (
    ENGINE,
    OPA_CA_CERT,
    OPA_CLIENT_CERT,
    OPA_CLIENT_KEY,
    OPA_NO_PUSH,
    OPA_TOKEN_FILE,
    OPA_URL,
    engine_options,
)
from mlgate.cli.output import use_color
from mlgate.cli.outputs import emit_all, enforcement_exit, parse_targets
from mlgate.decisions.evaluate import evaluation_time
from mlgate.errors import UsageError
from mlgate.explain.detailed import require_fresh_policy
from mlgate.pipeline.check import CheckRequest
from mlgate.pipeline.check import check as run_check
from mlgate.pipeline.mlflow_writeback import require_tracking_uri, write_back_subject
from mlgate.report.base import OutputFormat


def check(
    facts: list[Path] = typer.Option(
        ..., "--facts", "-f", help="Facts document (JSON or YAML); repeat to merge several."
    ),
    bundle: str | None = BUNDLE,
    verification_key: Path | None = VERIFICATION_KEY,
    key_id: str = KEY_ID,
    alg: str | None = ALG,
    scope: str = SCOPE,
    engine: str | None = ENGINE,
    opa_url: str | None = OPA_URL,
    opa_ca_cert: str | None = OPA_CA_CERT,
    opa_client_cert: str | None = OPA_CLIENT_CERT,
    opa_client_key: str | None = OPA_CLIENT_KEY,
    opa_token_file: str | None = OPA_TOKEN_FILE,
    opa_no_push: bool = OPA_NO_PUSH,
    output_format: OutputFormat = typer.Option(
        OutputFormat.TEXT,
        "--format",
        envvar="MLGATE_FORMAT",
        help="Output format of stdout (or of a plain -o FILE) [env MLGATE_FORMAT].",
    ),
    output: list[str] = output_option("-o junit=gate.xml -o html=report.html"),
    data: list[Path] = typer.Option(
        [],
        "--data",
        "-d",
        metavar="FILE",
        help="JSON/YAML data merged over the bundle's data, like opa eval -d (e.g. stricter "
        "thresholds; repeatable, in order); the decision records each file and its digest.",
    ),
    enforce: bool = typer.Option(
        True,
        "--enforce/--no-enforce",
        envvar="MLGATE_ENFORCE",
        help="--no-enforce: report-only; record and report the decision but exit 0 "
        "(errors still exit 2).",
    ),
    policy_changed_since: str | None = typer.Option(
        None,
        "--policy-changed-since",
        metavar="REF",
        help="Exit 1 if the bundle's rules or data changed in git since REF after the "
        "facts' newest source.collected_at (stale evidence).",
    ),
    timeout: float | None = TIMEOUT,
    at: str | None = AT,
    log: str | None = typer.Option(
        None,
        "--log",
        help="Decision log: SQLite file or postgresql://… URL "
        "[env MLGATE_LOG; default ~/.local/share/mlgate/log.db].",
    ),
    no_log: bool = typer.Option(
        False, "--no-log", help="Do not record the decision (and gather no logged approvals)."
    ),
    principals: str | None = typer.Option(
        None,
        "--principals",
        help="Principals file that verifies logged approvals [env MLGATE_PRINCIPALS; "
        "default principals.yaml in the bundle directory].",
    ),
    mlflow_writeback: bool = typer.Option(
        False,
        "--mlflow-writeback",
        help="Tag the subject's MLflow model version with the outcome, decision id and bundle; "
        "set --mlflow-alias on it only on a pass (exit 2 if MLflow does not take it).",
    ),
    mlflow_alias: str = typer.Option(
        "certified", "--mlflow-alias", help="Alias --mlflow-writeback gives a passing version."
    ),
    tracking_uri: str | None = typer.Option(
        None,
        "--tracking-uri",
        metavar="URI",
        envvar="MLFLOW_TRACKING_URI",
        help="MLflow tracking URI for --mlflow-writeback.",
    ),
) -> None:
    """Evaluate facts against the policy bundle and print the decision.

    Example: mlgate check --facts examples/credit-risk/passing.yaml -o junit=gate.xml
    """

    evaluated_at = evaluation_time(at)  # now, unless --at says otherwise: never the facts'
    required = verification(verification_key, key_id, alg, scope)
    options = engine_options(
        engine,
        opa_url,
        timeout,
        no_push=opa_no_push,
        ca_cert=opa_ca_cert,
        client_cert=opa_client_cert,
        client_key=opa_client_key,
        token_file=opa_token_file,
    )
    if data and opa_no_push:
        raise UsageError("--data needs a bundle mlgate pushes: not with --opa-no-push")
    targets = parse_targets(output or config.load().outputs(), output_format)
    if mlflow_writeback:
        require_tracking_uri(tracking_uri)
    if policy_changed_since is not None:
        try:
            require_fresh_policy(facts, bundle, policy_changed_since)
        except PolicyChangedError as stale:
            if enforce:
                raise
            print(f"mlgate: {stale.message}", file=sys.stderr)
            raise typer.Exit(enforcement_exit(int(stale.exit_code), "stale evidence")) from None

    if no_log and log is not None:
        raise UsageError("--log and --no-log contradict each other")
    checked = run_check(
        CheckRequest(
            facts,
            bundle=bundle,
            engine=options,
            evaluated_at=evaluated_at,
            record=not no_log,
            log=log,
            principals=principals,
            verification=required,
            data=data,
            enforced=enforce,
        )
    )
    decision = checked.decision
    if not emit_all(decision, targets, color=use_color()):
        for warning in decision.warnings:
            print(f"mlgate: warning: {warning}", file=sys.stderr)
    if mlflow_writeback:
        done = write_back_subject(
            decision,
            checked.facts.get("subject") or {},
            tracking_uri=tracking_uri,
            alias=mlflow_alias,
        )
        for line in done:
            print(f"mlgate: {line}", file=sys.stderr)
    code = int(decision.exit_code)
    raise typer.Exit(code if enforce else enforcement_exit(code, decision.outcome))


def register(app: typer.Typer) -> None:
    app.command("check")(check)
