"""Command-line options shared by the commands that decide (``check``, ``monitor``,
``compare``; ``recertify`` takes ``--at``): the bundle, the output files, the
evaluation time, the timeout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from mlgate.bundles.jws import load_key
from mlgate.bundles.trusted import ENV_KEY, ENV_KEY_ID, Verification
from mlgate.errors import UsageError

BUNDLE = typer.Option(
    None,
    "--bundle",
    "-b",
    envvar="MLGATE_BUNDLE",
    help="Policy bundle directory or .tar.gz [env MLGATE_BUNDLE; default: shipped bundle].",
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
VERIFICATION_KEY = typer.Option(
    None,
    "--verification-key",
    envvar=ENV_KEY,
    help="Decide only with a bundle signed for this key (PEM public key or certificate, or "
    f"the HS256 secret file); an unsigned or changed bundle exits 2 [env {ENV_KEY}].",
)
KEY_ID = typer.Option(
    "",
    "--key-id",
    envvar=ENV_KEY_ID,
    help=f"With --verification-key: the key id the signature must name [env {ENV_KEY_ID}].",
)
ALG = typer.Option(
    None, "--alg", help="With --verification-key: RS256 | ES256 | HS256 [default: from the key]."
)
SCOPE = typer.Option("", "--scope", help="With --verification-key: the signature scope.")


def verification(key: Path | None, key_id: str, alg: str | None, scope: str) -> Verification | None:
    """``--verification-key`` and its companions, or ``None`` when no key is required."""
    if key is None:
        if alg or scope or key_id:
            raise UsageError("--key-id, --alg and --scope need --verification-key")
        return None
    return Verification(load_key(key, alg, for_signing=False), key_id, scope)


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
