"""``mlgate bundle build | verify | inspect | skeleton`` (``test | lint | diff`` are in
``bundle_ops``, ``serve | push`` in ``bundle_fleet``): policy bundles for compliance teams."""

from __future__ import annotations

from pathlib import Path

import typer

from mlgate.authoring.inspect import describe, render_text
from mlgate.authoring.skeleton import render
from mlgate.authoring.skeleton import skeleton as make
from mlgate.bundles.sign import SigningOptions
from mlgate.bundles.source import load
from mlgate.bundles.verify import verify_location
from mlgate.cli import bundle_fleet, bundle_ops
from mlgate.cli.bundle_options import (
    ALG_HELP,
    BUNDLE_ARG,
    KEY_ID_HELP,
    SCOPE_HELP,
    Fmt,
    key_from,
    print_json,
)
from mlgate.cli.output import emit
from mlgate.distribution.build import build_files, write_archive
from mlgate.engine.syntax import require_parsable
from mlgate.errors import UsageError

bundle_app = typer.Typer(
    help="Build, sign, verify, inspect, test, lint, diff and serve policy bundles.",
    no_args_is_help=True,
)


@bundle_app.command("build")
def build(
    directory: Path = typer.Argument(..., help="Policy directory (*.rego, data.json/yaml)."),
    output: Path = typer.Option(..., "--output", "-o", help="The .tar.gz to write."),
    revision: str | None = typer.Option(
        None, "--revision", help="[default: git describe --always (-dirty), else the .manifest's]"
    ),
    signing_key: Path | None = typer.Option(
        None, "--signing-key", help="PEM private key (RSA/EC P-256) or HS256 secret file."
    ),
    key_id: str = typer.Option("", "--key-id", help=KEY_ID_HELP),
    alg: str | None = typer.Option(None, "--alg", help=ALG_HELP),
    scope: str = typer.Option("", "--scope", help=SCOPE_HELP),
    expires_days: int | None = typer.Option(
        None,
        "--expires-days",
        min=1,
        max=36500,
        help="Token expiry (mlgate verify refuses it after).",
    ),
    fmt: Fmt = typer.Option(Fmt.TEXT, "--format", help="text | json"),
) -> None:
    """Build an OPA bundle archive, optionally signed (.signatures.json).

    The bundle must load and every module parse before anything is written.
    Example: mlgate bundle build rego -o policy.tar.gz --signing-key key.pem --key-id gate-2026
    """

    signing = None
    if signing_key is not None:
        key = key_from(signing_key, alg, for_signing=True)
        expires = expires_days * 86400 if expires_days else None
        signing = SigningOptions(key, key_id=key_id, scope=scope, expires_in=expires)
    elif key_id or scope or alg or expires_days:
        raise UsageError("--key-id, --alg, --scope and --expires-days need --signing-key")
    built = build_files(directory, revision=revision, signing=signing)
    size = write_archive(built.files, output)
    if fmt is Fmt.JSON:
        print_json({"output": str(output), "bytes": size, **built.to_json()})
        return
    how = (
        f"signed {signing.key.alg}" + (f", key id {key_id}" if key_id else "")
        if signing
        else ("unsigned")
    )
    print(
        f"built {output}: revision {built.revision or '(none)'}, {len(built.files)} files, "
        f"{size} bytes, {how}\ndigest {built.digest}"
    )


@bundle_app.command("verify")
def verify(
    bundle: str = typer.Argument(..., help=BUNDLE_ARG),
    verification_key: Path = typer.Option(
        ..., "--verification-key", help="PEM public key or certificate, or the HS256 secret file."
    ),
    key_id: str = typer.Option("", "--key-id", help=KEY_ID_HELP),
    alg: str | None = typer.Option(None, "--alg", help=ALG_HELP),
    scope: str = typer.Option("", "--scope", help=SCOPE_HELP),
    fmt: Fmt = typer.Option(Fmt.TEXT, "--format", help="text | json"),
) -> None:
    """Check a signed bundle: token, key, key id, scope, expiry and every file's digest.

    Exit 0 when it verifies, 2 with the reason (changed, added or removed file,
    wrong key or key id, expired or malformed token) when it does not.
    Example: mlgate bundle verify policy.tar.gz --verification-key pub.pem --key-id gate-2026
    """

    key = key_from(verification_key, alg, for_signing=False)
    loaded, verified = verify_location(bundle, key, key_id=key_id, scope=scope)
    if fmt is Fmt.JSON:
        print_json({"verified": True, **loaded.to_json(), **verified.to_json()})
        return
    kid = f", key id {verified.key_id}" if verified.key_id else ""
    print(
        f"verified {loaded.source}: {len(verified.files)} files signed ({verified.alg}{kid}), "
        f"revision {loaded.revision or '(none)'}\ndigest {loaded.digest}"
    )


@bundle_app.command("inspect")
def inspect(
    bundle: str = typer.Argument(..., help=BUNDLE_ARG),
    fmt: Fmt = typer.Option(Fmt.TEXT, "--format", help="text | json"),
) -> None:
    """Show revision, roots, digest, packages, controls, thresholds and the facts needed.

    Example: mlgate bundle inspect policy.tar.gz --format json
    """

    loaded, files = load(bundle)
    require_parsable(loaded.modules, loaded.source)  # what cannot load is not described
    info = describe(loaded, files)
    if fmt is Fmt.JSON:
        print_json(info)
    else:
        print(render_text(info), end="")


@bundle_app.command("skeleton")
def skeleton(
    bundle: str = typer.Argument(..., help=BUNDLE_ARG),
    tier: str | None = typer.Option(None, "--tier", help="Risk tier to fill in [default: all]."),
    fmt: str = typer.Option("yaml", "--format", help="yaml | json"),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to FILE."),
) -> None:
    """Print a facts template with every fact the bundle's rules need.

    Example: mlgate bundle skeleton rego --tier high -o facts.yaml
    """

    if fmt not in ("yaml", "json"):
        raise UsageError(f"--format {fmt!r}: choose yaml or json")
    loaded, _ = load(bundle)
    require_parsable(loaded.modules, loaded.source)
    doc, comments = make(loaded, tier)
    emit(render(doc, comments, fmt, loaded.source), output)


def register(app: typer.Typer) -> None:
    bundle_ops.add_commands(bundle_app)
    bundle_fleet.add_commands(bundle_app)
    app.add_typer(bundle_app, name="bundle")
