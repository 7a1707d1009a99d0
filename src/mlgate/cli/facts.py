"""``mlgate facts …``: validate and merge facts documents."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from mlgate.cli.output import emit
from mlgate.errors import FactsValidationError
from mlgate.facts.collection import Progress, collect_facts
from mlgate.facts.document import merge_files, validate_file

facts_app = typer.Typer(help="Validate and merge facts documents.", no_args_is_help=True)


@facts_app.command("validate")
def validate(
    files: list[Path] = typer.Argument(..., help="Facts documents (JSON or YAML)."),
) -> None:
    """Check facts documents against the schema; list every problem as pointer: reason.

    Example: mlgate facts validate examples/credit-risk/passing.yaml
    """

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

    Conflicting values for the same fact are an error naming both sources. The
    result may still lack required facts (merges can be built up in steps): a
    warning then names what is missing, and facts validate / check refuse it.
    Example: mlgate facts merge mlflow.json fairness.yaml -o facts.json
    """
    from mlgate.facts.validate import validate

    merged = merge_files(files)
    emit(json.dumps(merged, indent=2, ensure_ascii=False) + "\n", output)
    missing = validate(merged).lines()
    if missing:
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        print(
            f"mlgate: warning: the merged document is not complete yet: {missing[0]}{more}",
            file=sys.stderr,
        )


@facts_app.command("collect")
def collect(
    sources: list[str] = typer.Option(
        ..., "--from", metavar="KIND:LOCATION", help="A source; repeat for several (kinds above)."
    ),
    subject_from: str | None = typer.Option(
        None,
        "--subject-from",
        metavar="KIND:LOCATION",
        help="The source that names the model version (its name and version win).",
    ),
    prefer: list[str] = typer.Option(
        [],
        "--prefer",
        metavar="KIND",
        help="On a conflict this adapter kind (or KIND:LOCATION) wins; repeatable.",
    ),
    tracking_uri: str | None = typer.Option(
        None, "--tracking-uri", metavar="URI", help="MLflow tracking URI [env MLFLOW_TRACKING_URI]."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress lines."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write here (default stdout)."),
) -> None:
    """Collect facts from the tools' own outputs into one validated facts document.

    Kinds: mlflow (runs:/ID, models:/NAME/VERSION, models:/NAME@ALIAS),
    fairlearn, pip-audit, osv, cyclonedx, openlineage, huggingface, evidently,
    declarations (each FILE), ci (github, gitlab or empty for auto).
    Nothing is written unless every source is read and the result is valid.
    Example: mlgate facts collect --from mlflow:models:/credit/3 --from pip-audit:audit.json
    --from ci: -o facts.json
    """

    def show(step: Progress) -> None:
        line = f"[{step.index}/{step.total}] {step.origin}: {step.summary} ({step.seconds:.1f} s)"
        print(f"mlgate: {line}", file=sys.stderr, flush=True)

    verbose = not quiet and sys.stderr.isatty()
    result = collect_facts(
        sources,
        subject_from=subject_from,
        prefer=prefer,
        tracking_uri=tracking_uri,
        progress=show if verbose else None,
    )
    for warning in result.warnings:
        print(f"mlgate: warning: {warning}", file=sys.stderr)
    emit(json.dumps(result.document, indent=2, ensure_ascii=False) + "\n", output)


def register(app: typer.Typer) -> None:
    app.add_typer(facts_app, name="facts")
