"""``mlgate replay``: re-evaluate a logged decision and confirm the same outcome."""

from __future__ import annotations

import sys

import typer

from mlgate.cli.log import LOG_HELP


def replay(
    decision_id: str = typer.Argument(..., help="A logged decision id."),
    bundle: str | None = typer.Option(
        None, "--bundle", "-b", help="The bundle at the logged revision (its digest must match)."
    ),
    engine: str | None = typer.Option(None, "--engine", "-e", help="Engine, as for check."),
    opa_url: str | None = typer.Option(None, "--opa-url", help="OPA server URL, as for check."),
    log: str | None = typer.Option(None, "--log", help=LOG_HELP),
) -> None:
    """Re-evaluate a logged decision's facts with its bundle and confirm the outcome.

    Exit 0 when the replay matches, 1 with the differences otherwise.
    Example: mlgate replay 0190c6e2-… --bundle policy-v12.tar.gz
    """
    from mlgate.decisions.replay import replay as run
    from mlgate.engine.select import EngineOptions
    from mlgate.logstore.open import open_store

    store = open_store(log, create=False)
    try:
        result = run(
            store,
            decision_id,
            bundle_location=bundle,
            engine=EngineOptions.from_env(engine, opa_url),
        )
    finally:
        store.close()
    if result.same:
        print(f"replayed {decision_id}: same outcome ({result.replayed.outcome}), same verdict")
        return
    print(f"replayed {decision_id}: DIFFERENT", file=sys.stderr)
    for line in result.differences:
        print(f"  {line}", file=sys.stderr)
    raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("replay")(replay)
