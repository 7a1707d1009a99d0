"""``mlgate facts …``: validate and merge facts documents."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from mlgate.errors import FactsValidationError

facts_app = typer.Typer(help="Validate and merge facts documents.", no_args_is_help=True)


@facts_app.command("validate")
def validate(
    files: list[Path] = typer.Argument(..., help="Facts documents (JSON or YAML)."),
) -> None:
    """Check facts documents against the schema; list every problem as pointer: reason.

    Example: mlgate facts validate examples/credit-risk/passing.yaml
    """
    from mlgate.facts.document import validate_file

    failed = 0
    for path in files:
        report = validate_file(path)
        for warning in report.warnings:
            print(f"mlgate: warning: {path}: {warning}", file=sys.stderr)
        if report.errors:
            failed += 1
            print(f"{path}: {len(report.errors)} problem(s)", file=sys.stderr)
            for problem in report.errors:
                print(f"  {problem}", file=sys.stderr)
        else:
            print(f"{path}: valid")
    if failed:
        raise FactsValidationError(f"{failed} of {len(files)} facts document(s) invalid")


@facts_app.command("merge")
def merge(
    files: list[Path] = typer.Argument(..., help="Partial facts documents to merge."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write here (default stdout)."),
) -> None:
    """Merge partial facts documents from several tools into one validated document.

    Conflicting values for the same fact are an error naming both sources.
    Example: mlgate facts merge mlflow.json fairness.yaml -o facts.json
    """
    from mlgate.cli.output import emit
    from mlgate.facts.document import merge_files

    merged = merge_files(files)
    emit(json.dumps(merged, indent=2, ensure_ascii=False) + "\n", output)


def register(app: typer.Typer) -> None:
    app.add_typer(facts_app, name="facts")
