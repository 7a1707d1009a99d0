"""``mlgate bundle test | lint | diff``: the policy author's and reviewer's loop."""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path

import typer

from mlgate.authoring.case_update import update_cases
from mlgate.authoring.diff import changes
from mlgate.authoring.diff_text import render_diff
from mlgate.authoring.engine_parity import Parity, compare_engines, parse_engines
from mlgate.authoring.impact import analyse
from mlgate.authoring.impact_sources import facts_dir_items, log_items
from mlgate.authoring.lint import lint as run
from mlgate.authoring.testing import case_files, render_text, run_tests
from mlgate.bundles.load import load_bundle
from mlgate.bundles.source import load
from mlgate.cli.bundle_options import BUNDLE_ARG, Fmt, print_json
from mlgate.cli.progress import ProgressBar
from mlgate.engine.syntax import require_parsable
from mlgate.errors import UsageError
from mlgate.invariants import case_seeds, check_invariants, registry_seeds
from mlgate.invariants import render_text as render_invariants
from mlgate.resources import bundle_dir

_DEFAULT = " [env MLGATE_BUNDLE; default: shipped bundle]"


def _default_bundle(bundle: str | None) -> str:
    """BUNDLE, else ``$MLGATE_BUNDLE`` (or the config file's ``bundle``), else the shipped one."""

    return bundle or os.environ.get("MLGATE_BUNDLE") or str(bundle_dir())


def test(
    bundle: str | None = typer.Argument(None, help=BUNDLE_ARG + _DEFAULT),
    cases: list[Path] = typer.Option(
        [], "--cases", help="Case file or directory (repeatable) [default: BUNDLE/cases]."
    ),
    coverage: bool = typer.Option(False, "--coverage", help="List controls no case exercises."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show passing tests too."),
    invariants: bool = typer.Option(
        False,
        "--invariants",
        help="Also check the policy invariants (metamorphic tests from the cases and the "
        "metric registry); a broken one is shown with the minimal facts that break it.",
    ),
    run: str | None = typer.Option(
        None,
        "--run",
        "-r",
        help="Only the tests (package.test_name) and cases (name) this regular expression "
        "finds, as opa test --run.",
    ),
    update: bool = typer.Option(
        False,
        "--update",
        help="After a deliberate policy change: rewrite the `expect` of every failing case "
        "to what the bundle now decides, and print the diff of each file.",
    ),
    engines: str = typer.Option(
        "embedded",
        "--engines",
        help="embedded, or embedded,opa: also decide every case with opa (on PATH) and run "
        "the *_test.rego tests under opa test; any difference between the engines fails.",
    ),
    fmt: Fmt = typer.Option(Fmt.TEXT, "--format", help="text | json"),
) -> None:
    """Run golden case files and the *_test.rego tests on the embedded engine.

    Exit 0 when all pass, 1 when one fails (or an invariant breaks, or no test
    ran at all), 2 when the bundle cannot be loaded. With --update, the failing
    cases rewritten count as passing.
    Example: mlgate bundle test rego --cases tests/cases --coverage --invariants
    """

    names = parse_engines(engines)
    location = _default_bundle(bundle)
    if not cases and Path(location, "cases").is_dir():
        cases = [Path(location, "cases")]
    if update and not cases:
        raise UsageError("--update rewrites golden cases: give --cases DIR")
    loaded, files = load_bundle(location), case_files(cases)
    report = run_tests(loaded, files, run=run)
    rewritten = update_cases(report.results) if update else []
    if rewritten:
        paths = {done.path for done in rewritten}
        report = replace(
            report,
            results=[
                replace(r, passed=True, detail="updated") if r.path in paths else r
                for r in report.results
            ],
        )
    if not report.results:  # e.g. every *_test.rego deleted: a pre-commit hook must not pass
        print(
            f"mlgate: {loaded.source}: no tests ran (no case files and no *_test.rego tests)",
            file=sys.stderr,
        )
        raise typer.Exit(1)
    parity = None
    if len(names) > 1:
        parity = compare_engines(loaded, files, report.results, names, run=run)
    checked = None
    if invariants:
        checked = check_invariants(loaded, [*case_seeds(files), *registry_seeds()])
    if fmt is Fmt.JSON:
        print_json(
            {
                "results": [r.to_json() for r in report.results],
                "failed": len(report.failed),
                **({"uncovered_controls": report.uncovered} if coverage else {}),
                **({"invariants": checked.to_json()} if checked is not None else {}),
                **({"updated": [vars(done) for done in rewritten]} if update else {}),
                **({"engines": vars(parity)} if parity is not None else {}),
            }
        )
    else:
        for done in rewritten:
            print(done.diff, end="")
        if update:
            print(f"updated {len(rewritten)} case file(s)")
        print(render_text(report, coverage=coverage, verbose=verbose), end="")
        if checked is not None:
            print(render_invariants(checked), end="")
    if parity is not None and fmt is Fmt.TEXT:
        _print_parity(parity)
    failed = report.failed or (checked is not None and not checked.ok)
    raise typer.Exit(1 if failed or (parity is not None and parity.differences) else 0)


def _print_parity(parity: Parity) -> None:
    what = f"{parity.cases} case(s) and {parity.tests} Rego test(s)"
    if not parity.differences:
        print(f"engines {', '.join(parity.engines)}: {what} decided alike")
        return
    print(f"engines {', '.join(parity.engines)}: {len(parity.differences)} difference(s) in {what}")
    for line in parity.differences:
        print(f"  {line}")


def lint(
    bundle: str | None = typer.Argument(None, help=BUNDLE_ARG + _DEFAULT),
    strict: bool = typer.Option(False, "--strict", help="Warnings fail too."),
    fmt: Fmt = typer.Option(Fmt.TEXT, "--format", help="text | json"),
) -> None:
    """Check METADATA (control id, severity), thresholds per tier, wall-clock reads,
    the decision entry point, syntax, builtins the embedded engine lacks, and
    data.yaml values YAML 1.1 and 1.2 read differently.

    Exit 0 when clean, 1 with findings (errors; warnings too with --strict).
    Example: mlgate bundle lint rego --strict
    """
    from mlgate.authoring.findings import render_text

    loaded, read = load(_default_bundle(bundle))
    findings = run(loaded, read.files)
    if fmt is Fmt.JSON:
        print_json([f.to_json() for f in findings])
    else:
        print(render_text(findings, loaded.source), end="")
    failing = [f for f in findings if f.level == "error" or strict]
    raise typer.Exit(1 if failing else 0)


def diff(
    old: str = typer.Argument(..., help="The bundle in force (dir, .tar.gz or URL)."),
    new: str = typer.Argument(..., help="The proposed bundle."),
    facts_dir: Path | None = typer.Option(
        None, "--facts-dir", help="Evaluate every facts file below DIR under both bundles."
    ),
    decisions: str | None = typer.Option(
        None, "--decisions", help="Evaluate the facts of logged decisions (SQLite file or URL)."
    ),
    jobs: int = typer.Option(
        0,
        "--jobs",
        "-j",
        min=0,
        show_default=False,
        help="Worker processes; 0: one per core [default: one per core].",
    ),
    fail_on_impact: bool = typer.Option(
        False, "--fail-on-impact", help="Exit 1 when any model's verdict changes."
    ),
    fmt: Fmt = typer.Option(Fmt.TEXT, "--format", help="text | json"),
) -> None:
    """What changed (rules, thresholds, waivers, data) and, with facts, which models
    change outcome, violations or required approvals (a progress bar on a terminal).

    Example: mlgate bundle diff policy-v12.tar.gz rego --facts-dir facts/
    """

    if facts_dir is not None and decisions is not None:
        raise UsageError("give --facts-dir or --decisions, not both")
    if decisions is not None and not decisions.strip():
        raise UsageError("--decisions needs a decision log (a SQLite file or a URL)")
    before, after = load_bundle(old), load_bundle(new)
    for bundle in (before, after):  # a reviewer must not approve a bundle that cannot load
        require_parsable(bundle.modules, bundle.source)
    report = None
    skipped: list[str] = []
    if facts_dir is not None or decisions is not None:
        if facts_dir is not None:
            items = facts_dir_items(facts_dir)
        else:
            items, skipped = log_items(decisions)
        bar = ProgressBar(len(items))  # on a terminal's stderr only
        try:
            report = analyse(before, after, items, jobs=jobs, progress=bar)
        finally:
            bar.close()
        if items and not report.identical and report.evaluated == 0:
            label, reason = report.invalid[0]  # every document was invalid
            raise UsageError(
                f"no facts document could be evaluated ({len(report.invalid)} invalid; "
                f"{label}: {reason}): an impact analysis of nothing is no evidence"
            )
    static = changes(before, after)
    if fmt is Fmt.JSON:
        out = static.to_json()
        if report is not None:
            out["impact"] = {**report.to_json(), "skipped_masked": skipped}
        print_json(out)
    else:
        print(render_diff(static, report, skipped), end="")
    raise typer.Exit(1 if fail_on_impact and report is not None and report.changed else 0)


def add_commands(app: typer.Typer) -> None:
    for name, command in (
        ("test", test),
        ("lint", lint),
        ("diff", diff),
    ):
        app.command(name)(command)
