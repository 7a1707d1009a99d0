"""``mlgate keys generate``: an Ed25519 key pair for a principal."""

from __future__ import annotations

import json
from pathlib import Path

import typer

keys_app = typer.Typer(help="Manage approvers' signing keys.", no_args_is_help=True)


@keys_app.command("generate")
def generate(
    principal: str = typer.Option(..., "--principal", help="The principal's id, e.g. omar.risk."),
    out: Path = typer.Option(..., "--out", help="Directory for <id>.key (0600) and <id>.pub."),
) -> None:
    """Make an Ed25519 key pair and print the principals-file entry for it.

    Keep the .key file private (it signs approvals); add the printed entry,
    with the principal's roles, to the principals file.
    Example: mlgate keys generate --principal omar.risk --out ~/.config/mlgate
    """
    from mlgate.approvals.keys import generate as make

    key_path, public = make(principal, out)
    print(f"# private key written to {key_path} (mode 0600); add to the principals file:")
    print(f"- id: {json.dumps(principal, ensure_ascii=False)}")
    print("  roles: [ROLE]")
    print(f"  public_key: {public}")


def register(app: typer.Typer) -> None:
    app.add_typer(keys_app, name="keys")
