"""``mlgate report``: render a stored decision, by default as the HTML certification report."""

from __future__ import annotations

from pathlib import Path

import typer

from mlgate.cli.output import emit, use_color
from mlgate.explain.history import with_history
from mlgate.report.base import OutputFormat
from mlgate.report.explain import explain as explain_text
from mlgate.report.load import load_decision, with_bundle_details
from mlgate.report.log_source import log_source

DECISION_HELP = "Decision JSON file (from check --format json; - for stdin), or a decision id."
LOG_HELP = "Decision log to look ids up in [env MLGATE_LOG; default ~/.local/share/mlgate/log.db]."
BUNDLE_HELP = (
    "Bundle that made the decision, to read its rules and thresholds when the decision "
    "carries no details [default: shipped bundle, used only if its digest matches]."
)


def report(
    decision: str = typer.Argument(..., metavar="DECISION", help=DECISION_HELP),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the report to this file (whole or not at all)."
    ),
    output_format: OutputFormat = typer.Option(OutputFormat.HTML, "--format", help="Format."),
    bundle: str | None = typer.Option(None, "--bundle", "-b", help=BUNDLE_HELP),
    log: str | None = typer.Option(None, "--log", help=LOG_HELP),
) -> None:
    """Render a decision for people: a self-contained HTML report (no network) by default.

    Exit 0 when the report was written, 2 on an error (whatever the decision's outcome).
    Example: mlgate report decision.json -o report.html
    """

    loaded = load_decision(decision, [log_source(log)])
    full = with_history(with_bundle_details(loaded, bundle), log)
    color = output is None and use_color()
    emit(output_format.to_formatter(color=color).render(full), output)


def explain(
    decision: str = typer.Argument(..., metavar="DECISION", help=DECISION_HELP),
    control: str | None = typer.Option(
        None, "--control", "-c", help="Explain only this control, e.g. MLG-PERF-001."
    ),
    bundle: str | None = typer.Option(None, "--bundle", "-b", help=BUNDLE_HELP),
    log: str | None = typer.Option(None, "--log", help=LOG_HELP),
) -> None:
    """Explain a decision per control: rule, threshold and its source, actual value, the fix.

    Example: mlgate explain decision.json --control MLG-PERF-001
    """

    loaded = load_decision(decision, [log_source(log)])
    emit(explain_text(with_bundle_details(loaded, bundle), control), None)


def register(app: typer.Typer) -> None:
    app.command("report")(report)
    app.command("explain")(explain)
