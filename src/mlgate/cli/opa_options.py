"""The engine option group, declared once: ``--engine``, ``--opa-url``, ``--opa-no-push``
and the TLS / token options of a connection to OPA, used by every command that
decides (``check``, ``monitor``, ``compare``, ``replay``, ``recertify``) and, for the
connection, by ``bundle push``. ``engine_options`` turns what was given into the
``EngineOptions`` the engine registry builds engines from."""

from __future__ import annotations

import dataclasses

import typer

from mlgate.engine.select import EngineOptions

ENGINE = typer.Option(
    None,
    "--engine",
    "-e",
    help="auto | embedded | opa-url | opa-binary [env MLGATE_ENGINE; default auto: "
    "--opa-url if given, else opa on PATH, else embedded].",
)
OPA_URL = typer.Option(
    None, "--opa-url", help="OPA server URL, e.g. http://127.0.0.1:8181 [env MLGATE_OPA_URL]."
)
OPA_NO_PUSH = typer.Option(
    False,
    "--opa-no-push",
    help="Use the bundle the OPA server already serves (its bundle service) instead of "
    "pushing --bundle; OPA must report the same bundle revision, else exit 2.",
)
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


def engine_options(
    engine: str | None,
    opa_url: str | None,
    timeout: float | None = None,
    *,
    no_push: bool = False,
    ca_cert: str | None = None,
    client_cert: str | None = None,
    client_key: str | None = None,
    token_file: str | None = None,
) -> EngineOptions:
    """The options as given, over ``MLGATE_ENGINE`` / ``MLGATE_OPA_*``."""
    options = EngineOptions.from_env(
        engine,
        opa_url,
        timeout,
        ca_cert=ca_cert,
        client_cert=client_cert,
        client_key=client_key,
        token_file=token_file,
    )
    return dataclasses.replace(options, push=False) if no_push else options
