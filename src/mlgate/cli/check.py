"""``mlgate check``: decide whether a model version may be released."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from mlgate.report.base import OutputFormat


def check(
    facts: list[Path] = typer.Option(
        ..., "--facts", "-f", help="Facts document (JSON or YAML); repeat to merge several."
    ),
    bundle: str | None = typer.Option(
        None, "--bundle", "-b", help="Policy bundle directory or .tar.gz [default: shipped bundle]."
    ),
    engine: str | None = typer.Option(
        None,
        "--engine",
        "-e",
        help="auto | embedded | opa-url | opa-binary [env MLGATE_ENGINE; default auto: "
        "--opa-url if given, else opa on PATH, else embedded].",
    ),
    opa_url: str | None = typer.Option(
        None, "--opa-url", help="OPA server URL, e.g. http://127.0.0.1:8181 [env MLGATE_OPA_URL]."
    ),
    output_format: OutputFormat = typer.Option(
        OutputFormat.TEXT, "--format", help="Output format."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the output to this file instead of stdout."
    ),
    timeout: float | None = typer.Option(
        None, "--timeout", help="Seconds an engine call may take [default 30]."
    ),
    at: str | None = typer.Option(
        None, "--at", help="Evaluation time (RFC 3339) instead of now, e.g. to replay."
    ),
) -> None:
    """Evaluate facts against the policy bundle and print the decision.

    Example: mlgate check --facts examples/credit-risk/passing.yaml --format json
    """
    from mlgate.cli.output import emit, use_color
    from mlgate.engine.select import EngineOptions
    from mlgate.gate import check as run_check

    options = EngineOptions.from_env(engine, opa_url, timeout)
    decision = run_check(facts, bundle_location=bundle, engine=options, evaluated_at=at)
    color = output is None and use_color()
    emit(output_format.to_formatter(color=color).render(decision), output)
    if output_format is not OutputFormat.TEXT or output is not None:
        for warning in decision.warnings:
            print(f"mlgate: warning: {warning}", file=sys.stderr)
    raise typer.Exit(int(decision.exit_code))


def register(app: typer.Typer) -> None:
    app.command("check")(check)
