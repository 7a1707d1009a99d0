"""``mlgate bundle serve | push``: getting bundles to OPA servers."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from mlgate.bundles.load import load_bundle
from mlgate.bundles.sign import SigningOptions
from mlgate.bundles.trusted import Verification
from mlgate.bundles.verify import verify_location
from mlgate.cli.bundle_options import (
    ALG_HELP,
    BUNDLE_ARG,
    KEY_ID_HELP,
    SCOPE_HELP,
    Fmt,
    key_from,
    print_json,
)
from mlgate.cli.opa_options import OPA_CA_CERT, OPA_CLIENT_CERT, OPA_CLIENT_KEY, OPA_TOKEN_FILE
from mlgate.distribution.bundle_serve import DEFAULT_PORT, PREFIX, make_server, serve_forever
from mlgate.distribution.catalog import Catalog
from mlgate.distribution.push import push as run
from mlgate.engine.base import check_timeout
from mlgate.engine.opa_conn import OpaSettings
from mlgate.errors import InputError, UsageError
from mlgate.tokens import read_token


def serve(
    paths: list[Path] = typer.Argument(..., help="Bundle source dirs, archives, or dirs of them."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind."),
    port: int = typer.Option(
        DEFAULT_PORT, "--port", "-p", min=0, max=65535, help="Port (0: any free port)."
    ),
    signing_key: Path | None = typer.Option(
        None, "--signing-key", help="Sign bundles built from source directories."
    ),
    key_id: str = typer.Option("", "--key-id", help=KEY_ID_HELP),
    alg: str | None = typer.Option(None, "--alg", help=ALG_HELP),
    scope: str = typer.Option("", "--scope", help=SCOPE_HELP),
    verification_key: Path | None = typer.Option(
        None, "--verification-key", help="Serve only bundles that verify with this key."
    ),
    require_signed: bool = typer.Option(False, "--require-signed", help="Refuse unsigned bundles."),
    token_file: Path | None = typer.Option(
        None, "--token-file", help="Require 'Authorization: Bearer <token>' (file content)."
    ),
) -> None:
    """Serve bundles to polling OPA servers (ETag / If-None-Match → 304).

    Bundles are at /bundles/<name>.tar.gz; /bundles lists them. Sources are
    re-read when they change; a change that fails a check is not served.
    Default port 8282 (log serve's is 8283).
    Example: mlgate bundle serve rego --signing-key key.pem --key-id gate --port 8282
    """

    signing = (
        SigningOptions(key_from(signing_key, alg, for_signing=True), key_id=key_id, scope=scope)
        if signing_key
        else None
    )
    verification = (
        Verification(key_from(verification_key, alg, for_signing=False), key_id, scope)
        if verification_key
        else None
    )
    token = read_token(token_file) if token_file is not None else ""
    catalog = Catalog(
        paths, signing=signing, verification=verification, require_signed=require_signed
    )
    bundles = catalog.load()
    try:
        server = make_server(catalog, host, port, token)
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port} ({exc.strerror})") from None
    where = f"http://{host}:{server.server_address[1]}"
    for name, item in sorted(bundles.items()):
        signed = "signed" if item.signed else "unsigned"
        print(f"serving {where}{PREFIX}/{name} (revision {item.revision}, {signed})")
    sys.stdout.flush()
    serve_forever(server)


def push(
    bundle: str = typer.Argument(..., help=BUNDLE_ARG),
    opa_url: str = typer.Option(
        ..., "--opa-url", envvar="MLGATE_OPA_URL", help="OPA server URL [env MLGATE_OPA_URL]."
    ),
    verification_key: Path | None = typer.Option(
        None, "--verification-key", help="Verify the bundle's signature before pushing."
    ),
    key_id: str = typer.Option("", "--key-id", help=KEY_ID_HELP),
    alg: str | None = typer.Option(None, "--alg", help=ALG_HELP),
    scope: str = typer.Option("", "--scope", help=SCOPE_HELP),
    timeout: float = typer.Option(30.0, "--timeout", help="Seconds per OPA request."),
    fmt: Fmt = typer.Option(Fmt.TEXT, "--format", help="text | json"),
    opa_ca_cert: str | None = OPA_CA_CERT,
    opa_client_cert: str | None = OPA_CLIENT_CERT,
    opa_client_key: str | None = OPA_CLIENT_KEY,
    opa_token_file: str | None = OPA_TOKEN_FILE,
) -> None:
    """Load a bundle's policies and data into a running OPA over its REST API.

    TLS and the token as for check: --opa-ca-cert, --opa-client-cert/--opa-client-key,
    a token from --opa-token-file or env MLGATE_OPA_TOKEN (never an argument).
    Example: mlgate bundle push policy.tar.gz --opa-url http://127.0.0.1:8181
    """

    timeout = check_timeout(timeout)
    if verification_key is None and (key_id or scope):
        raise UsageError("--key-id and --scope check a signature: give --verification-key too")
    connection = OpaSettings.from_env(
        ca_cert=opa_ca_cert,
        client_cert=opa_client_cert,
        client_key=opa_client_key,
        token_file=opa_token_file,
    ).resolve()
    if verification_key is not None:
        key = key_from(verification_key, alg, for_signing=False)
        loaded, _ = verify_location(bundle, key, key_id=key_id, scope=scope)
    else:
        loaded = load_bundle(bundle)
    pushed = run(loaded, opa_url, timeout=timeout, connection=connection)
    if fmt is Fmt.JSON:
        print_json(pushed.to_json())
        return
    print(
        f"pushed {loaded.source} (revision {pushed.revision or '(none)'}) to {pushed.location}: "
        f"{len(pushed.policies)} policies, {len(pushed.data)} data documents"
    )


def add_commands(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command("push")(push)
