"""``mlgate eval``: an ad-hoc query over a bundle and a facts document, as ``opa eval``.

The policy author's look inside a decision: ``mlgate eval -f facts.yaml
data.mlgate.controls.fairness`` prints what that package says about these facts,
as JSON. The facts are read, validated and normalised as ``mlgate check`` reads
them, with ``context.evaluated_at`` set the same way (``--at``); without facts the
input is ``{}``. The default engine is the embedded one (the author's loop);
``--engine opa-binary`` asks a real OPA.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import typer

from mlgate.bundles.load import load_bundle
from mlgate.cli.decide_options import AT, TIMEOUT
from mlgate.cli.opa_options import ENGINE, OPA_URL, engine_options
from mlgate.decisions.evaluate import evaluation_time, prepare_input
from mlgate.engine.select import open_engine
from mlgate.errors import UsageError
from mlgate.facts.document import load_facts
from mlgate.resources import bundle_dir

# A data reference: what every engine evaluates (an OPA server asks its Data API).
_QUERY = re.compile(r"data(\.[A-Za-z_][A-Za-z0-9_]*)*")


def eval_command(
    query: str = typer.Argument(
        ..., help="A data reference, e.g. data.mlgate.controls.fairness or data.mlgate.decision."
    ),
    facts: list[Path] = typer.Option(
        [], "--facts", "-f", help="Facts documents (merged as check merges them); repeatable."
    ),
    bundle: str | None = typer.Option(
        None,
        "--bundle",
        "-b",
        envvar="MLGATE_BUNDLE",
        help="Policy bundle directory or .tar.gz [env MLGATE_BUNDLE; default: shipped bundle].",
    ),
    engine: str | None = ENGINE,
    opa_url: str | None = OPA_URL,
    at: str | None = AT,
    timeout: float | None = TIMEOUT,
) -> None:
    """Evaluate QUERY over the bundle with the facts as input and print the value as JSON.

    Exit 0 with the value; 2 when the query is undefined, the facts are invalid or
    the bundle cannot be evaluated.

    Example: mlgate eval -f examples/credit-risk/failing.yaml data.mlgate.controls.fairness
    """
    if not _QUERY.fullmatch(query):
        raise UsageError(
            f"query {query!r}: give a data reference such as data.mlgate.controls.fairness"
        )
    loaded = load_bundle(bundle or bundle_dir())
    document = None
    if facts:
        read = load_facts(facts)
        for warning in read.warnings:  # a misspelled field is an absent one to the policy
            print(f"mlgate: warning: {warning}", file=sys.stderr)
        document = read.document
    engine_input = prepare_input(document, evaluation_time(at)) if document is not None else {}
    opts = engine_options(engine or "embedded", opa_url, timeout)
    opened = open_engine(loaded, opts)
    try:
        value = opened.evaluate(query, engine_input)
    finally:
        opened.close()
    print(json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True))


def register(app: typer.Typer) -> None:
    app.command("eval")(eval_command)
