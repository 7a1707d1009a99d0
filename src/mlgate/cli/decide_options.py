"""Command-line options shared by the commands that decide (``check``, ``monitor``,
``compare``; ``recertify`` takes ``--at``): the bundle, the output files, the
evaluation time, the timeout."""

from __future__ import annotations

from typing import Any

import typer

BUNDLE = typer.Option(
    None, "--bundle", "-b", help="Policy bundle directory or .tar.gz [default: shipped bundle]."
)
AT = typer.Option(
    None,
    "--at",
    envvar="MLGATE_AT",
    help="Evaluation time (RFC 3339), e.g. to replay; `facts`: the facts' own "
    "context.evaluated_at (archived facts, demos) [env MLGATE_AT; default: now, "
    "never the facts' time].",
)
TIMEOUT = typer.Option(None, "--timeout", help="Seconds an engine call may take [default 30].")


def output_option(example: str) -> Any:
    """``-o FORMAT=FILE``, repeatable; ``example`` names the command's usual files."""
    return typer.Option(
        [],
        "--output",
        "-o",
        metavar="FORMAT=FILE",
        help=f"Also write FORMAT to FILE, e.g. {example} (repeatable; all files or none). "
        "A plain FILE takes --format's output instead of stdout.",
    )
