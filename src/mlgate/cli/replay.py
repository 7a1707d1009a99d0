"""``mlgate replay``: re-evaluate a logged decision and confirm the same outcome."""

from __future__ import annotations

import sys

import typer

from mlgate.cli.log import LOG_HELP
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
from mlgate.logstore.open import open_store
from mlgate.pipeline.replay import replay as run


def replay(
    decision_id: str = typer.Argument(..., help="A logged decision id."),
    bundle: str | None = typer.Option(
        None, "--bundle", "-b", help="The bundle at the logged revision (its digest must match)."
    ),
    engine: str | None = ENGINE,
    opa_url: str | None = OPA_URL,
    opa_ca_cert: str | None = OPA_CA_CERT,
    opa_client_cert: str | None = OPA_CLIENT_CERT,
    opa_client_key: str | None = OPA_CLIENT_KEY,
    opa_token_file: str | None = OPA_TOKEN_FILE,
    opa_no_push: bool = OPA_NO_PUSH,
    log: str | None = typer.Option(None, "--log", help=LOG_HELP),
    what_if: bool = typer.Option(
        False,
        "--what-if",
        help="Decide the logged facts under --bundle even though it is another bundle: "
        "how the decision would change (exit 0 same verdict, 1 with the differences).",
    ),
) -> None:
    """Re-evaluate a logged decision's facts with its bundle and confirm the outcome.

    Exit 0 when the replay matches, 1 with the differences otherwise. --bundle must
    be the bundle the decision names (same digest); with --what-if it may be any.
    Example: mlgate replay 0190c6e2-… --bundle policy-v12.tar.gz
    """
    with open_store(log, create=False) as store:
        result = run(
            store,
            decision_id,
            bundle_location=bundle,
            engine=engine_options(
                engine,
                opa_url,
                no_push=opa_no_push,
                ca_cert=opa_ca_cert,
                client_cert=opa_client_cert,
                client_key=opa_client_key,
                token_file=opa_token_file,
            ),
            what_if=what_if,
        )
    verb = "decided again under the other bundle," if what_if else "replayed"
    if result.same:
        print(f"{verb} {decision_id}: same outcome ({result.replayed.outcome}), same verdict")
        return
    print(f"{verb} {decision_id}: DIFFERENT", file=sys.stderr)
    for line in result.differences:
        print(f"  {line}", file=sys.stderr)
    raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("replay")(replay)
