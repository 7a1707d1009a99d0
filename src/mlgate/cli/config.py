"""``mlgate config``: the settings every command starts from, and where each comes from."""

from __future__ import annotations

import json
import os

import typer

from mlgate import config
from mlgate.errors import UsageError


def show(
    output_format: str = typer.Option("text", "--format", help="text | json"),
) -> None:
    """Show the config file in use and each setting with its source.

    Precedence: flag > environment variable > config file > default. The file is
    .mlgate.yaml or [tool.mlgate] in pyproject.toml, in this directory or a parent
    (up to the repository root), or the file $MLGATE_CONFIG names.
    """
    if output_format not in ("text", "json"):
        raise UsageError(f"--format {output_format}: choose text or json")
    found = config.load()
    # The environment as the user set it, without the defaults main() added from the file.
    rows = config.explain(found, config.user_environ(os.environ))
    if output_format == "json":
        document = {
            "config_file": str(found.path) if found.path else None,
            "precedence": config.PRECEDENCE,
            "settings": rows,
        }
        print(json.dumps(document, indent=2))
        return
    print(f"config file: {found.path or 'none (no .mlgate.yaml or [tool.mlgate] found)'}")
    print(f"precedence:  {config.PRECEDENCE}")
    width = max(len(r["key"]) for r in rows)
    for r in rows:
        print(f"{r['key']:<{width}}  {r['value']}  ({r['source']})")


def register(app: typer.Typer) -> None:
    app.command("config")(show)
