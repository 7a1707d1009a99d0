"""``mlgate keys generate``: an approver's Ed25519 key pair; ``mlgate keys bundle``: a
key pair that signs bundles."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from mlgate.approvals.keys import generate as make
from mlgate.bundles.keys import generate_signing_key

keys_app = typer.Typer(help="Make approvers' and bundles' signing keys.", no_args_is_help=True)


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

    key_path, public = make(principal, out)
    print(f"# private key written to {key_path} (mode 0600); add to the principals file:")
    print(f"- id: {json.dumps(principal, ensure_ascii=False)}")
    print("  roles: [ROLE]")
    print(f"  public_key: {public}")


@keys_app.command("bundle")
def bundle(
    out: Path = typer.Option(
        Path("signing.pem"), "--out", help="The private key's file; the public key is *.pub.pem."
    ),
    alg: str = typer.Option("RS256", "--alg", help="RS256 (RSA 3072) or ES256 (P-256)."),
) -> None:
    """Make a key pair that signs bundles (bundle build|serve --signing-key).

    The private key (0600) stays with whoever builds or serves bundles; the public
    key goes to every verifier: mlgate check --verification-key, bundle verify, OPA.
    Example: mlgate keys bundle --out keys/signing.pem --alg ES256
    """
    public = generate_signing_key(out, alg)
    print(f"private key written to {out} (mode 0600); public key to {public}")


def register(app: typer.Typer) -> None:
    app.add_typer(keys_app, name="keys")
