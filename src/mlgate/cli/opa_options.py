"""The command-line options of a TLS / token connection to OPA, shared by every
command that talks to an OPA server (``check``, ``bundle push``)."""

from __future__ import annotations

import typer

OPA_CA_CERT = typer.Option(
    None,
    "--opa-ca-cert",
    help="PEM CA bundle that signed OPA's certificate [env MLGATE_OPA_CA_CERT].",
)
OPA_CLIENT_CERT = typer.Option(
    None,
    "--opa-client-cert",
    help="PEM client certificate for mutual TLS [env MLGATE_OPA_CLIENT_CERT].",
)
OPA_CLIENT_KEY = typer.Option(
    None, "--opa-client-key", help="Its unencrypted PEM key [env MLGATE_OPA_CLIENT_KEY]."
)
OPA_TOKEN_FILE = typer.Option(
    None,
    "--opa-token-file",
    help="File holding OPA's bearer token [env "
    "MLGATE_OPA_TOKEN_FILE; or the token itself in MLGATE_OPA_TOKEN, never an argument].",
)
