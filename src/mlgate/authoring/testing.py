"""``mlgate bundle test``: golden case files and Rego unit tests, through the engine.

A case file (YAML or JSON) holds ``name``, ``facts`` and ``expect`` with any
of ``outcome``, ``violations``, ``missing_evidence``, ``waivers_applied``
(control ids) and ``required_approvals`` (roles); lists compare as sets.
Its facts are validated and normalised as ``mlgate check`` does. A Rego test
is every rule named ``test_*`` in a ``*_test.rego`` module (OPA's
convention); it passes when it evaluates to ``true``. Both run on the
embedded engine (tests loaded beside the policy, in a worker with a
timeout). Coverage: the controls of the bundle that no case makes report
(a violation, missing evidence or a waiver).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.bundles.controls import bundle_controls
from mlgate.bundles.reach import package_of
from mlgate.decisions.evaluate import decide
from mlgate.engine.embedded import EmbeddedEngine
from mlgate.errors import InputError, MlgateError, UsageError
from mlgate.facts.load import load_document
from mlgate.facts.normalize import normalize
from mlgate.facts.validate import validate

if TYPE_CHECKING:
    from mlgate.bundles.model import Bundle
    from mlgate.engine.base import Engine

_TEST_RULE = re.compile(r"^(test_\w+)\b", re.MULTILINE)
_CASE_SUFFIXES = (".yaml", ".yml", ".json")
_BY = {"violations": "control", "missing_evidence": "control", "waivers_applied": "control"}
_BY["required_approvals"] = "role"


@dataclass(frozen=True)
class TestResult:
    kind: str  # "case" or "rego"
    name: str
    passed: bool
    detail: str = ""
    path: str = ""  # a case's file
    got: dict[str, Any] | None = None  # a case's decision, as its `expect` would say it

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name, "passed": self.passed, "detail": self.detail}


@dataclass(frozen=True)
class TestReport:
    results: list[TestResult]
    controls: list[str]
    exercised: set[str]

    @property
    def failed(self) -> list[TestResult]:
        return [r for r in self.results if not r.passed]

    @property
    def uncovered(self) -> list[str]:
        return [c for c in self.controls if c not in self.exercised]


def case_files(paths: Sequence[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.suffix in _CASE_SUFFIXES)
            if not inside:  # a case directory that holds no case is a mistake, not a pass
                raise InputError(f"{path}: no case files (*.yaml, *.yml, *.json) in this directory")
            found += inside
        elif path.is_file():
            found.append(path)
        else:
            raise InputError(f"{path}: no such case file or directory")
    return found


def rego_tests(bundle: Bundle) -> dict[str, list[str]]:
    """Test module path → ``data.<package>.<test_rule>`` of each of its test rules."""
    found: dict[str, list[str]] = {}
    for path, text in sorted(bundle.test_modules.items()):
        package = package_of(text)
        names = sorted(set(_TEST_RULE.findall(text)))
        if package and names:
            found[path] = [f"data.{package}.{name}" for name in names]
    return found


def run_tests(
    bundle: Bundle, cases: Sequence[Path], *, timeout: float = 30.0, run: str | None = None
) -> TestReport:
    """Each test module runs beside the policy alone (a test that errors cannot break
    another module's tests); the cases run on the policy without any test module.
    ``run``: only the Rego tests (``package.test_name``) and cases (``name``) the
    regular expression finds, as ``opa test --run``."""
    wanted = run_pattern(run)

    results: list[TestResult] = []
    exercised: set[str] = set()
    for path, found in rego_tests(bundle).items():
        queries = [q for q in found if wanted.search(q.removeprefix("data."))]
        if not queries:
            continue
        alone = replace(bundle, test_modules={path: bundle.test_modules[path]})
        with EmbeddedEngine.from_bundle(alone, include_tests=True, timeout=timeout) as engine:
            results += [_rego_test(engine, query) for query in queries]
    if cases:
        with EmbeddedEngine.from_bundle(bundle, timeout=timeout) as engine:
            for case in cases:
                result, reported = _case(engine, bundle, case, wanted)
                if result is None:
                    continue
                results.append(result)
                exercised |= reported
    controls = [c.id for c in bundle_controls(bundle.modules)]
    return TestReport(results, controls, exercised)


def _rego_test(engine: Engine, query: str) -> TestResult:
    name = query.removeprefix("data.")
    try:
        value = engine.evaluate(query, {})
    except MlgateError as exc:
        return TestResult("rego", name, False, exc.message)
    return TestResult("rego", name, value is True, "" if value is True else f"got {value!r}")


def run_pattern(run: str | None) -> re.Pattern[str]:
    try:
        return re.compile(run or "")
    except re.error as exc:
        raise UsageError(f"--run {run!r}: not a regular expression ({exc})") from None


def _case(
    engine: Engine, bundle: Bundle, path: Path, wanted: re.Pattern[str]
) -> tuple[TestResult | None, set[str]]:

    case = load_document(path)
    name = str(case.get("name") or path.stem) if isinstance(case, dict) else path.stem
    if not wanted.search(name):
        return None, set()
    if not isinstance(case, dict) or not isinstance(case.get("facts"), dict):
        return TestResult("case", name, False, f"{path}: a case needs a `facts` object"), set()
    expect = case.get("expect")
    if not isinstance(expect, dict) or not expect:
        why = "is empty: it checks nothing" if expect == {} else "is missing or not an object"
        return TestResult("case", name, False, f"{path}: the case's `expect` {why}"), set()
    report = validate(case["facts"])
    if report.errors:
        return TestResult("case", name, False, f"facts invalid: {report.lines()[0]}"), set()
    try:
        doc = decide(normalize(case["facts"]), bundle, engine).document
    except MlgateError as exc:
        return TestResult("case", name, False, exc.message), set()
    got = {"outcome": doc["outcome"]}
    got.update({k: sorted({str(i[by]) for i in doc.get(k, [])}) for k, by in _BY.items()})
    reported = {c for k in ("violations", "missing_evidence", "waivers_applied") for c in got[k]}
    for item in doc.get("required_approvals", []):
        reported.update(str(c) for c in item.get("controls") or [])
    wrong = [
        f"{key}: expected {_norm(want)}, got {got.get(key)}"
        for key, want in expect.items()
        if _norm(want) != got.get(key)
    ]
    result = TestResult("case", name, not wrong, "; ".join(wrong), str(path), got)
    return result, reported


def _norm(value: Any) -> Any:
    return sorted(str(v) for v in value) if isinstance(value, list) else value


def render_text(report: TestReport, *, coverage: bool, verbose: bool) -> str:
    lines = []
    for r in report.results:
        if verbose or not r.passed:
            status = "PASS" if r.passed else "FAIL"
            lines.append(f"{status} {r.kind} {r.name}" + (f": {r.detail}" if r.detail else ""))
    cases = [r for r in report.results if r.kind == "case"]
    rego = [r for r in report.results if r.kind == "rego"]
    lines.append(
        f"{sum(r.passed for r in cases)}/{len(cases)} cases, "
        f"{sum(r.passed for r in rego)}/{len(rego)} Rego tests passed"
    )
    if coverage:
        covered = len(report.controls) - len(report.uncovered)
        lines.append(f"coverage: {covered}/{len(report.controls)} controls exercised by a case")
        lines += [f"  not exercised: {c}" for c in report.uncovered]
    return "\n".join(lines) + "\n"
