"""``mlgate monitor`` and ``mlgate compare``: decisions about deployed models."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from mlgate.bundles.trusted import open_bundle, require_digest
from mlgate.cli.decide_options import (
    ALG,
    AT,
    BUNDLE,
    KEY_ID,
    SCOPE,
    TIMEOUT,
    VERIFICATION_KEY,
    output_option,
    verification,
)
from mlgate.cli.opa_options import (
    ENGINE,
    OPA_CA_CERT,
    OPA_CLIENT_CERT,
    OPA_CLIENT_KEY,
    OPA_NO_PUSH,
    OPA_TOKEN_FILE,
    OPA_URL,
    engine_options,
)
from mlgate.cli.output import use_color
from mlgate.cli.outputs import emit_all, parse_targets
from mlgate.decisions.evaluate import evaluation_time
from mlgate.explain.detailed import attach_details
from mlgate.logstore.entry import decision_entry, default_actor
from mlgate.logstore.mask import configured_rules
from mlgate.logstore.open import open_store
from mlgate.monitoring.build import Inputs
from mlgate.monitoring.monitor import compare as run_compare
from mlgate.monitoring.monitor import monitor as run_monitor
from mlgate.monitoring.render import MonitoringTextFormatter
from mlgate.monitoring.specs import SeriesSpec
from mlgate.report.base import OutputFormat
from mlgate.resources import bundle_dir

if TYPE_CHECKING:
    from mlgate.cli.outputs import Target
    from mlgate.decisions.model import Checked, Decision
    from mlgate.logstore.base import LogStore

_FORMAT = typer.Option(OutputFormat.TEXT, "--format", help="Output format.")
_OUTPUT = output_option("-o junit=monitor.xml -o html=monitor.html")


def monitor(
    facts: list[Path] = typer.Option(
        ..., "--facts", "-f", help="The model's facts (subject, risk tier, owner); repeatable."
    ),
    series: list[str] = typer.Option(
        [],
        "--series",
        "-s",
        metavar="NAME[:UNIT]=FILE",
        help="A time series (JSON, CSV or a Prometheus query_range answer) of one signal, "
        "e.g. latency_ms:ms=latency.json, prediction_confidence=conf.csv; repeatable.",
    ),
    baseline: list[str] = typer.Option(
        [], "--baseline", metavar="NAME=FILE", help="The baseline series of a signal; repeatable."
    ),
    champion: list[str] = typer.Option(
        [],
        "--champion",
        metavar="NAME=FILE",
        help="The same signal measured on the champion: compares this model (the canary) "
        "with it; repeatable.",
    ),
    drift: list[str] = typer.Option(
        [], "--drift", metavar="FILE", help="An Evidently drift report (JSON); repeatable."
    ),
    window_days: float | None = typer.Option(
        None, "--window-days", help="Trailing window in days [default: the tier's window.days]."
    ),
    bundle: str | None = BUNDLE,
    verification_key: Path | None = VERIFICATION_KEY,
    key_id: str = KEY_ID,
    alg: str | None = ALG,
    scope: str = SCOPE,
    engine: str | None = ENGINE,
    opa_url: str | None = OPA_URL,
    opa_ca_cert: str | None = OPA_CA_CERT,
    opa_client_cert: str | None = OPA_CLIENT_CERT,
    opa_client_key: str | None = OPA_CLIENT_KEY,
    opa_token_file: str | None = OPA_TOKEN_FILE,
    opa_no_push: bool = OPA_NO_PUSH,
    output_format: OutputFormat = _FORMAT,
    output: list[str] = _OUTPUT,
    at: str | None = AT,
    timeout: float | None = TIMEOUT,
    log: str | None = typer.Option(
        None, "--log", help="Also record the decision in this decision log (SQLite or URL)."
    ),
) -> None:
    """Decide whether a deployed model is still fit: drift, latency, confidence, canary.

    Exit codes as for check: 0 pass, 1 fail (the actions say what to do),
    2 error, 4 insufficient evidence.

    Example: mlgate monitor -f facts.yaml -s latency_ms:ms=p99.json
    -s prediction_confidence=conf.csv --baseline prediction_confidence=last_month.csv
    --drift drift.json
    """

    targets = parse_targets(output, output_format)
    required = verification(verification_key, key_id, alg, scope)
    verified = open_bundle(bundle or bundle_dir(), required) if required else None
    inputs = Inputs(
        series=[SeriesSpec.parse(s) for s in series],
        baselines=[SeriesSpec.parse(s) for s in baseline],
        champions=[SeriesSpec.parse(s) for s in champion],
        drift=list(drift),
    )
    checked = run_monitor(
        facts,
        inputs,
        bundle_location=bundle,
        engine=engine_options(
            engine,
            opa_url,
            timeout,
            no_push=opa_no_push,
            ca_cert=opa_ca_cert,
            client_cert=opa_client_cert,
            client_key=opa_client_key,
            token_file=opa_token_file,
        ),
        evaluated_at=evaluation_time(at),
        window_days=window_days,
    )
    if verified is not None:  # the bundle decided with is the one verified
        require_digest(checked.bundle, verified)
    store = _open_log(log)  # only once there is a decision: bad input leaves no log file
    if store is not None:
        with store:
            _record(store, checked)
    _finish(attach_details(checked, facts), targets)


def compare(
    champion: Path = typer.Option(..., "--champion", help="The champion's facts (in production)."),
    challenger: Path = typer.Option(..., "--challenger", help="The challenger's facts."),
    bundle: str | None = BUNDLE,
    engine: str | None = ENGINE,
    opa_url: str | None = OPA_URL,
    opa_ca_cert: str | None = OPA_CA_CERT,
    opa_client_cert: str | None = OPA_CLIENT_CERT,
    opa_client_key: str | None = OPA_CLIENT_KEY,
    opa_token_file: str | None = OPA_TOKEN_FILE,
    opa_no_push: bool = OPA_NO_PUSH,
    output_format: OutputFormat = _FORMAT,
    output: list[str] = _OUTPUT,
    at: str | None = AT,
    timeout: float | None = TIMEOUT,
) -> None:
    """Is the challenger no worse than the champion beyond the tier's margin on any metric?

    Each canonical metric both measured (overall, matched on dataset and
    split) is compared in its direction; the margins are the challenger's
    tier's comparison.max_regression. Exit 0 pass, 1 fail, 2 error,
    4 insufficient evidence (a champion metric the challenger lacks).

    Example: mlgate compare --champion prod.yaml --challenger candidate.yaml
    """

    targets = parse_targets(output, output_format)
    checked = run_compare(
        champion,
        challenger,
        bundle_location=bundle,
        engine=engine_options(
            engine,
            opa_url,
            timeout,
            no_push=opa_no_push,
            ca_cert=opa_ca_cert,
            client_cert=opa_client_cert,
            client_key=opa_client_key,
            token_file=opa_token_file,
        ),
        evaluated_at=evaluation_time(at),
    )
    _finish(attach_details(checked, [champion, challenger]), targets)


def _open_log(log: str | None) -> LogStore | None:
    if log is None:
        return None

    return open_store(log)


def _record(store: LogStore, checked: Checked) -> None:

    mask = configured_rules(checked.bundle.data)
    entry = decision_entry(
        checked.decision, checked.facts, actor=default_actor(checked.facts), mask=mask
    )
    entry["kind"] = "monitoring"
    store.append([entry])


def _finish(decision: Decision, targets: list[Target]) -> None:

    if not emit_all(decision, targets, color=use_color(), text_formatter=MonitoringTextFormatter):
        for warning in decision.warnings:
            print(f"mlgate: warning: {warning}", file=sys.stderr)
    raise typer.Exit(int(decision.exit_code))


def register(app: typer.Typer) -> None:
    app.command("monitor")(monitor)
    app.command("compare")(compare)
